package dev.klingmcp.server.cli;

import dev.klingmcp.server.config.ConfigException;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.config.ServerConfigLoader;
import java.io.PrintStream;
import java.util.function.BiFunction;
import picocli.CommandLine.Option;

/**
 * What the commands that report on the settings ({@code config}, {@code doctor}) share: the {@code --json} and
 * {@code --json-schema} options, printing to the protocol's stdout, and loading the settings exactly as {@code serve}
 * would (a settings error is exit code 2 with the reason on stderr, like serve's).
 */
final class SettingsReport {

    @Option(names = "--json", description = "Print the report as a JSON object on stdout.")
    boolean json;

    @Option(names = "--json-schema", description = "Print the JSON Schema of the --json output and exit.")
    boolean jsonSchema;

    /**
     * Prints the published schema named {@code schemaName} when {@code --json-schema} asked for it; otherwise loads the
     * settings and lets {@code report} print to stdout, returning its exit code.
     */
    int run(
            KlingMcpCommand parent,
            ServeOptions options,
            String schemaName,
            BiFunction<ServerConfig, PrintStream, Integer> report) {
        PrintStream out = parent == null ? System.out : parent.protocolOut();
        if (jsonSchema) {
            out.println(CliSchemas.of(schemaName).toPrettyString());
            out.flush();
            return 0;
        }
        ServerConfig config;
        try {
            config = ServerConfigLoader.fromSystem()
                    .overrides(options.overrides())
                    .load();
        } catch (ConfigException e) {
            System.err.println("kling-mcp: " + e.getMessage());
            return 2;
        }
        int code = report.apply(config, out);
        out.flush();
        return code;
    }
}
