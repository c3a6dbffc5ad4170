package dev.klingmcp.contract.mcp;

/**
 * How a suite reaches the server: starts it for a {@link ServerSetup} and hands back an initialized session. One
 * implementation per transport ({@link #stdio()} today; a Streamable HTTP one can join without touching the suites).
 */
interface ServerConnector extends AutoCloseable {

    McpSession connect(ServerSetup setup, Recorder recorder);

    /** Stops the server this connector started. */
    @Override
    void close();

    /** The SDK's stdio client spawning {@code java -jar kling-mcp.jar serve}. */
    static ServerConnector stdio() {
        return new ServerConnector() {
            private StdioServer server;

            @Override
            public McpSession connect(ServerSetup setup, Recorder recorder) {
                server = StdioServer.start(setup, recorder);
                return server.session();
            }

            @Override
            public void close() {
                if (server != null) {
                    server.close();
                }
            }
        };
    }
}
