package dev.klingmcp.server.cli;

import dev.klingmcp.server.KlingMcp;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;

/** The root command; without a subcommand it serves MCP over stdio, like {@code serve}. */
@Command(
        name = "kling-mcp",
        mixinStandardHelpOptions = true,
        versionProvider = KlingMcpCommand.Version.class,
        description = "MCP server for fal.ai's Kling O3 video models. Default command: serve (MCP over stdio).",
        subcommands = {ServeCommand.class, DemoCommand.class})
public final class KlingMcpCommand implements Callable<Integer> {

    @Mixin
    ServeOptions serve = new ServeOptions();

    private final PrintStream protocolOut;

    public KlingMcpCommand(PrintStream protocolOut) {
        this.protocolOut = protocolOut;
    }

    /** The real stdout: the MCP channel of {@code serve}. */
    PrintStream protocolOut() {
        return protocolOut;
    }

    @Override
    public Integer call() throws Exception {
        return new ServeCommand(this, serve).call();
    }

    static final class Version implements IVersionProvider {

        @Override
        public String[] getVersion() {
            return new String[] {"kling-mcp " + KlingMcp.version()};
        }
    }
}
