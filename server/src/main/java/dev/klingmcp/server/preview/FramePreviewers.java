package dev.klingmcp.server.preview;

import dev.klingmcp.server.plugin.RuntimeJars;
import java.util.List;
import java.util.Optional;

/**
 * Finds the {@link FramePreviewer} at run time the way the embedded mock is found ({@link RuntimeJars}): on the class
 * path, then {@value #JAR} beside the server jar (the distribution's {@code lib/}), then the build tree's
 * {@code preview/target/}. Looked up once per process.
 */
public final class FramePreviewers {

    /** The file name of the jar holding the previewer and its decoder. */
    public static final String JAR = "kling-mcp-preview.jar";

    /** The source module whose {@code target/} holds {@value #JAR} in a build tree. */
    static final String MODULE = "preview";

    private FramePreviewers() {}

    private static volatile Optional<FramePreviewer> installed;

    private static volatile String broken;

    /**
     * The installed previewer, or empty when {@value #JAR} is in none of the places {@link #places()} lists.
     *
     * @throws IllegalStateException the jar is there but cannot be used (the message says why)
     */
    public static Optional<FramePreviewer> installed() {
        if (installed == null && broken == null) {
            synchronized (FramePreviewers.class) {
                if (installed == null && broken == null) {
                    try {
                        installed = RuntimeJars.find(FramePreviewer.class, JAR, MODULE, "kling-mcp-preview");
                    } catch (IllegalStateException e) {
                        broken = e.getMessage();
                    }
                }
            }
        }
        if (broken != null) {
            throw new IllegalStateException(broken);
        }
        return installed;
    }

    /** Where the previewer was looked for, for a note when it is absent. */
    public static List<String> places() {
        return RuntimeJars.places(JAR, MODULE);
    }
}
