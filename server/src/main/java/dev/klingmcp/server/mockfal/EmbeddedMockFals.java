package dev.klingmcp.server.mockfal;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Finds the {@link EmbeddedMockFal} at run time: first on the class path (tests, {@code -cp a.jar:b.jar}), then
 * {@value #JAR} beside the server jar (the distribution's {@code lib/}), then, when the server jar is the build
 * tree's {@code server/target/kling-mcp.jar}, the sibling module's {@code server-mock/target/}{@value #JAR}. Only
 * these fixed places are searched, so nothing else on the disk is ever loaded.
 */
public final class EmbeddedMockFals {

    /** The file name of the jar holding the embedded mock. */
    public static final String JAR = "kling-mcp-mock.jar";

    private EmbeddedMockFals() {}

    /** The embedded mock, or an exception whose message says where it was looked for and how to get it. */
    public static EmbeddedMockFal find() {
        Optional<EmbeddedMockFal> onClassPath = ServiceLoader.load(
                        EmbeddedMockFal.class, EmbeddedMockFal.class.getClassLoader())
                .findFirst();
        if (onClassPath.isPresent()) {
            return onClassPath.get();
        }
        List<Path> candidates = candidates();
        for (Path jar : candidates) {
            if (Files.isRegularFile(jar)) {
                return load(jar);
            }
        }
        throw new IllegalStateException("the embedded mock of fal (" + JAR + ") is not installed: looked on the class "
                + "path and in " + candidates + ". Use the distribution (its lib/ holds both jars) or build from "
                + "source with `mvn -B -q -DskipTests package`.");
    }

    /** The fixed places beside the running server jar, most specific first. */
    static List<Path> candidates() {
        List<Path> out = new ArrayList<>();
        serverJar().ifPresent(jar -> {
            Path dir = jar.getParent();
            out.add(dir.resolve(JAR));
            if (dir.getFileName() != null
                    && dir.getFileName().toString().equals("target")
                    && dir.getParent() != null
                    && dir.getParent().getFileName() != null
                    && dir.getParent().getFileName().toString().equals("server")
                    && dir.getParent().getParent() != null) {
                out.add(dir.getParent()
                        .getParent()
                        .resolve("server-mock")
                        .resolve("target")
                        .resolve(JAR));
            }
        });
        return out;
    }

    private static Optional<Path> serverJar() {
        CodeSource source = EmbeddedMockFals.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            Path location = Path.of(source.getLocation().toURI()).toAbsolutePath();
            return Files.isRegularFile(location) ? Optional.of(location) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static EmbeddedMockFal load(Path jar) {
        try {
            // Lives as long as the process: the mock's classes stay in use until it exits.
            URLClassLoader loader = new URLClassLoader(
                    "kling-mcp-mock", new URL[] {jar.toUri().toURL()}, EmbeddedMockFal.class.getClassLoader());
            return ServiceLoader.load(EmbeddedMockFal.class, loader)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(jar + " holds no " + EmbeddedMockFal.class.getName()
                            + " service; rebuild it with `mvn -B -q -DskipTests package`"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + jar + ": " + e.getMessage(), e);
        }
    }
}
