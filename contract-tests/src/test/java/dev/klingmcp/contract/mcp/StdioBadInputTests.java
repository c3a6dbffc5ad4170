package dev.klingmcp.contract.mcp;

/** {@link AbstractBadInputTests} over stdio: the SDK's client spawns {@code java -jar kling-mcp.jar serve}. */
class StdioBadInputTests extends AbstractBadInputTests {

    @Override
    ServerConnector connector() {
        return ServerConnector.stdio();
    }
}
