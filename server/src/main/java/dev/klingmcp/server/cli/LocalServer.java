package dev.klingmcp.server.cli;

import dev.klingmcp.server.KlingMcp;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * This same program, started as {@code kling-mcp serve} in a child JVM and driven over stdio with the SDK's client:
 * the demo and the command-line subcommands call the very tools an agent calls, so there is no second implementation
 * of generate, status or anything else (and their {@code --json} is the tools' {@code structuredContent}).
 */
final class LocalServer {

    private LocalServer() {}

    /**
     * Spawns the server and initializes a session.
     *
     * @param env       added to the inherited environment (FAL_KEY and KLING_MCP_* are inherited as they are)
     * @param serveArgs extra {@code serve} options (e.g. {@code --config FILE}, {@code --set k=v})
     * @param bar       receives progress notifications, fal's log lines and the server's stderr lines
     * @param stderr    where the server's own stderr lines go (null: dropped)
     */
    static McpSyncClient connect(
            Map<String, String> env, List<String> serveArgs, ProgressBar bar, Consumer<String> stderr) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> args = new ArrayList<>(List.of(
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                // serve's "FAL_KEY is not set" warning is for MCP clients' logs; a subcommand that needs the key
                // says so itself (exit code 3 and how to set it), and every other one works without it.
                "-Dorg.slf4j.simpleLogger.log." + ServeCommand.class.getName() + "=error",
                // The launcher's flags: C2 stays on (downloads hash with SHA-256, which C1-only code does slowly).
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                KlingMcp.class.getName(),
                "serve"));
        args.addAll(serveArgs);
        ServerParameters params =
                ServerParameters.builder(java).args(args).env(env).build();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(line -> {
            if (stderr != null) {
                stderr.accept(line);
            }
        });
        McpSyncClient client = McpClient.sync(transport)
                .clientInfo(Implementation.builder("kling-mcp-cli", KlingMcp.version())
                        .build())
                .requestTimeout(Duration.ofSeconds(90))
                .initializationTimeout(Duration.ofSeconds(60))
                .progressConsumer(p -> bar.update(p.progress(), p.total(), p.message()))
                .loggingConsumer(m -> bar.log("  fal: " + m.data()))
                .build();
        client.initialize();
        client.setLoggingLevel(LoggingLevel.INFO);
        return client;
    }
}
