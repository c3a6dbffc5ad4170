package dev.klingmcp.server.plugin;

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
 * Optional parts of the server that ship as their own jar (the embedded mock, the preview decoder), so the server jar
 * carries none of their libraries. A part is a {@link ServiceLoader} service found, in this order: on the class path
 * (tests, {@code -cp a.jar:b.jar}); as {@code <jar>} beside the server jar (the distribution's {@code lib/}); and,
 * only when the server jar is the build tree's {@code server/target/kling-mcp.jar}, as
 * {@code <module>/target/<jar>} in the same tree. Only these fixed places are searched, so nothing else on the disk
 * is ever loaded.
 */
public final class RuntimeJars {

    private RuntimeJars() {}

    /**
     * The first {@code service} found, or empty when none is installed.
     *
     * @param jar         the part's jar file name, e.g. {@code kling-mcp-mock.jar}
     * @param module      the source module that builds it, e.g. {@code server-mock}
     * @param loaderName  names the class loader (shown in stack traces)
     * @throws IllegalStateException the jar is there but unreadable or holds no such service
     */
    public static <T> Optional<T> find(Class<T> service, String jar, String module, String loaderName) {
        Optional<T> onClassPath =
                ServiceLoader.load(service, service.getClassLoader()).findFirst();
        if (onClassPath.isPresent()) {
            return onClassPath;
        }
        for (Path candidate : candidates(jar, module)) {
            if (Files.isRegularFile(candidate)) {
                return Optional.of(load(service, candidate, loaderName));
            }
        }
        return Optional.empty();
    }

    /** The places searched after the class path, for messages. */
    public static List<String> places(String jar, String module) {
        List<String> out = new ArrayList<>(List.of("the class path"));
        candidates(jar, module).forEach(p -> out.add(p.toString()));
        return out;
    }

    /** The fixed places beside the running server jar, most specific first. */
    static List<Path> candidates(String jar, String module) {
        List<Path> out = new ArrayList<>();
        serverJar().ifPresent(serverJar -> {
            Path dir = serverJar.getParent();
            out.add(dir.resolve(jar));
            if (named(dir, "target")
                    && named(dir.getParent(), "server")
                    && dir.getParent().getParent() != null) {
                out.add(dir.getParent()
                        .getParent()
                        .resolve(module)
                        .resolve("target")
                        .resolve(jar));
            }
        });
        return out;
    }

    private static boolean named(Path p, String name) {
        return p != null
                && p.getFileName() != null
                && p.getFileName().toString().equals(name);
    }

    private static Optional<Path> serverJar() {
        CodeSource source = RuntimeJars.class.getProtectionDomain().getCodeSource();
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

    private static <T> T load(Class<T> service, Path jar, String loaderName) {
        try {
            // Lives as long as the process: the part's classes stay in use until it exits.
            URLClassLoader loader =
                    new URLClassLoader(loaderName, new URL[] {jar.toUri().toURL()}, service.getClassLoader());
            return ServiceLoader.load(service, loader)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(jar + " holds no " + service.getName()
                            + " service; rebuild it with `mvn -B -q -DskipTests package`"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + jar + ": " + e.getMessage(), e);
        }
    }
}
