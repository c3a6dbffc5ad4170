package dev.klingmcp.contract.mcp;

import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The server as an MCP host runs it: a child process speaking JSON-RPC on stdin/stdout, spawned by the SDK's
 * {@link StdioClientTransport}. Its stderr is recorded line by line; {@link #kill()} is a real SIGKILL.
 */
final class StdioServer implements AutoCloseable {

    private final ServerCommand command;

    private final McpSession session;

    private StdioServer(ServerCommand command, McpSession session) {
        this.command = command;
        this.session = session;
    }

    /**
     * Starts {@code kling-mcp serve [options]} with {@code setup}'s environment and working directory, and initializes
     * a session.
     */
    static StdioServer start(ServerSetup setup, Recorder recorder, String... options) {
        String[] args = new String[options.length + 1];
        args[0] = "serve";
        System.arraycopy(options, 0, args, 1, options.length);
        ServerCommand command = ServerCommand.of(args);
        ServerParameters parameters = ServerParameters.builder(command.java())
                .args(command.args())
                .env(setup.environment())
                .build();
        WorkingDirTransport transport = new WorkingDirTransport(parameters, setup.workDir());
        transport.setStdErrorHandler(recorder::stderr);
        return new StdioServer(command, McpSession.open(transport, recorder));
    }

    McpSession session() {
        return session;
    }

    ServerCommand command() {
        return command;
    }

    /** SIGKILL ({@link ProcessHandle#destroyForcibly()} on Linux): no shutdown hook, no flush, no goodbye. */
    void kill() {
        ProcessHandle process = command.findProcess()
                .orElseThrow(() -> new AssertionError("the server process is not running: " + command.describe()));
        process.destroyForcibly();
        // Poll isAlive rather than waiting on onExit(): on JDK 25 the handle's onExit() of a child that the SDK's
        // transport also waits for was seen never to complete, although the process was gone.
        Awaitility.await("server process exit after SIGKILL")
                .atMost(Duration.ofSeconds(20))
                .until(() -> !process.isAlive());
    }

    @Override
    public void close() {
        try {
            session.close();
        } finally {
            // A server that ignores stdin closing and SIGTERM must still not outlive the test.
            command.findProcess().ifPresent(p -> {
                try {
                    p.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            });
        }
    }

    /**
     * The SDK transport with two things {@link ServerParameters} cannot express: the working directory, and an
     * environment cleared of the test machine's own fal settings (a real key must never reach a test server).
     */
    private static final class WorkingDirTransport extends StdioClientTransport {

        private final Path workDir;

        WorkingDirTransport(ServerParameters parameters, Path workDir) {
            super(parameters, McpJsonDefaults.getMapper());
            this.workDir = workDir;
        }

        @Override
        protected ProcessBuilder getProcessBuilder() {
            ProcessBuilder builder = new ProcessBuilder().directory(workDir.toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("FAL_") || k.startsWith("KLING_MCP_") || k.startsWith("XDG_"));
            return builder;
        }
    }
}
