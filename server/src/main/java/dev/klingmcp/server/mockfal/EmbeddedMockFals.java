package dev.klingmcp.server.mockfal;

import dev.klingmcp.server.plugin.RuntimeJars;

/**
 * Finds the {@link EmbeddedMockFal} at run time ({@link RuntimeJars}): on the class path, then {@value #JAR} beside the
 * server jar (the distribution's {@code lib/}), then the build tree's {@code server-mock/target/}{@value #JAR}.
 */
public final class EmbeddedMockFals {

    /** The file name of the jar holding the embedded mock. */
    public static final String JAR = "kling-mcp-mock.jar";

    private static final String MODULE = "server-mock";

    private EmbeddedMockFals() {}

    /** The embedded mock, or an exception whose message says where it was looked for and how to get it. */
    public static EmbeddedMockFal find() {
        return RuntimeJars.find(EmbeddedMockFal.class, JAR, MODULE, "kling-mcp-mock")
                .orElseThrow(() -> new IllegalStateException("the embedded mock of fal (" + JAR
                        + ") is not installed: looked in " + RuntimeJars.places(JAR, MODULE)
                        + ". Use the distribution (its lib/ holds it) or build from source with"
                        + " `mvn -B -q -DskipTests package`."));
    }
}
