package dev.klingmcp.server.cli;

import dev.klingmcp.server.KlingMcp;
import dev.klingmcp.server.config.ConfigException;
import dev.klingmcp.server.config.FollowSettings;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.config.ServerConfigLoader;
import dev.klingmcp.server.config.ToolSchemaProfile;
import dev.klingmcp.server.transport.PublishedAnswers;
import dev.klingmcp.server.transport.StdioFrontDoor;
import dev.klingmcp.server.transport.StdioTransportProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * The default launch ({@code kling-mcp} or {@code kling-mcp serve}, no options) the way an MCP client starts it: the
 * settings are read, a {@link StdioFrontDoor} answers {@code initialize} and {@code tools/list} from the build's
 * published answers, and only then is the server behind it assembled (the ledger, the HTTP client, the tools' schema
 * checks), off the path of those first answers. No command-line model is built at all.
 *
 * <p>Where the published answers would not be this process's answers, this start does not apply and the ordinary
 * {@code serve} runs: a price file changes the prices in the tool descriptions; a settings error is reported by it.
 */
public final class StdioFastStart {

    private StdioFastStart() {}

    /** Whether {@code args} ask for exactly the default launch. */
    public static boolean applies(String[] args) {
        return args.length == 0 || (args.length == 1 && "serve".equals(args[0]));
    }

    /**
     * Serves stdio until the input ends; null when this start does not apply (nothing was read or written then).
     *
     * @param protocolOut the real stdout
     */
    public static Integer serve(PrintStream protocolOut) {
        return serve(System.in, protocolOut, ServerConfigLoader.fromSystem());
    }

    static Integer serve(InputStream in, OutputStream out, ServerConfigLoader loader) {
        ServerConfig config;
        ToolSchemaProfile profile;
        FollowSettings follow;
        try {
            config = loader.load();
            profile = loader.loadToolSchemaProfile();
            follow = loader.loadFollow();
        } catch (ConfigException | IllegalStateException e) {
            return null;
        }
        if (config.priceFile() != null) {
            return null;
        }
        PublishedAnswers answers = PublishedAnswers.load(profile.key(), KlingMcp.version());
        if (answers == null) {
            return null;
        }
        StdioFrontDoor door = new StdioFrontDoor(in, out, answers, StdioTransportProvider.DEFAULT_MAX_LINE_BYTES);
        door.start();
        try {
            if (!door.awaitServerNeeded()) {
                return 0; // the client asked only what was answered, and left
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        ServeCommand.warnIfNoKey(config);
        return ServeCommand.serveStdio(config, profile, follow, InputStream.nullInputStream(), out, door);
    }
}
