package dev.klingmcp.contract.mcp;

/** {@link AbstractJobFlowTests} over stdio: the SDK's client spawns {@code java -jar kling-mcp.jar serve}. */
class StdioJobFlowTests extends AbstractJobFlowTests {

    @Override
    ServerConnector connector() {
        return ServerConnector.stdio();
    }
}
