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
        subcommands = {
            ServeCommand.class,
            DemoCommand.class,
            ToolSubcommands.Generate.class,
            ToolSubcommands.Status.class,
            ToolSubcommands.Result.class,
            ToolSubcommands.Cancel.class,
            ToolSubcommands.Jobs.class,
            ToolSubcommands.Upload.class,
            ToolSubcommands.Models.class,
            ConfigCommand.class,
            DoctorCommand.class
        },
        footer = {"", KlingMcpCommand.ENVIRONMENT_HELP})
public final class KlingMcpCommand implements Callable<Integer> {

    /** The help text's footer: where the key and the settings come from. */
    static final String ENVIRONMENT_HELP = "Environment:%n"
            // Every line fits picocli's 80 columns: a longer one is wrapped without its indentation.
            + "  FAL_KEY=key-id:key-secret  your fal.ai key (or FAL_KEY_ID + FAL_KEY_SECRET),%n"
            + "                             read from the environment only (never --set or a%n"
            + "                             file); in an MCP client config put it in the%n"
            + "                             server's \"env\". Without it, dry runs work and%n"
            + "                             real generate/upload/cancel are refused.%n"
            + "  KLING_MCP_<KEY>            any --set key, upper-cased with . and - as _,%n"
            + "                             e.g. KLING_MCP_UPLOAD_ROOTS=/a,/b%n"
            + "Defaults: videos in $XDG_DATA_HOME/kling-mcp/videos (~/.local/share/...),%n"
            + "ledger in $XDG_STATE_HOME/kling-mcp/jobs.db (~/.local/state/...), no upload%n"
            + "roots (upload reads no file until upload.roots lists folders, comma-separated).";

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
