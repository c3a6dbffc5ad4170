package dev.klingmcp.contract.mcp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * How a test starts the real server as a separate process: {@code java -jar server/target/kling-mcp.jar <args>}, as an
 * agent's MCP host would. When the fat jar has not been built (running this module alone, before {@code package} of
 * the server), the same main class runs from this JVM's test class path, which holds the server module and its
 * dependencies; {@link #describe()} says which one ran so a report never confuses the two.
 *
 * <p>Every process gets a unique {@code -Dkling.contract.instance=} marker so the test can find it among its child
 * processes and SIGKILL it (the SDK's stdio transport keeps its {@link Process} private).
 */
final class ServerCommand {

    static final String MAIN_CLASS = "dev.klingmcp.server.KlingMcp";

    private static final String MARKER = "-Dkling.contract.instance=";

    private final String java;

    private final List<String> args;

    private final String marker;

    private final boolean fromJar;

    private ServerCommand(String java, List<String> args, String marker, boolean fromJar) {
        this.java = java;
        this.args = List.copyOf(args);
        this.marker = marker;
        this.fromJar = fromJar;
    }

    /** {@code java [-jar kling-mcp.jar | -cp … KlingMcp] <serverArgs>}. */
    static ServerCommand of(String... serverArgs) {
        String marker = MARKER + UUID.randomUUID();
        List<String> args = new ArrayList<>();
        args.add(marker);
        // Small heaps and no JIT tiers beyond C1 keep two server JVMs plus the test JVM comfortable on 2 cores.
        args.add("-Xmx256m");
        args.add("-XX:TieredStopAtLevel=1");
        Optional<Path> jar = serverJar();
        if (jar.isPresent()) {
            args.add("-jar");
            args.add(jar.get().toString());
        } else {
            args.add("-cp");
            args.add(System.getProperty("java.class.path"));
            args.add(MAIN_CLASS);
        }
        args.addAll(List.of(serverArgs));
        return new ServerCommand(javaExecutable(), args, marker, jar.isPresent());
    }

    /** {@code server/target/kling-mcp.jar} when it exists (the build passes its path as {@code contract.serverJar}). */
    static Optional<Path> serverJar() {
        String configured = System.getProperty("contract.serverJar", "../server/target/kling-mcp.jar");
        Path jar = Path.of(configured).toAbsolutePath().normalize();
        boolean forceClasspath = Boolean.getBoolean("contract.serverFromClasspath");
        return !forceClasspath && Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
    }

    /**
     * Aborts (not fails) the calling test when there is no server to run: neither the fat jar nor the server's main
     * class on the class path. That only happens when this module runs alone before the server was ever packaged; in
     * the reactor build {@code package} of the server always precedes these tests, so they always run there.
     */
    static void assumeServerBuilt() {
        boolean onClassPath;
        try {
            Class.forName(MAIN_CLASS, false, ServerCommand.class.getClassLoader());
            onClassPath = true;
        } catch (ClassNotFoundException e) {
            onClassPath = false;
        }
        Assumptions.assumeTrue(
                serverJar().isPresent() || onClassPath,
                "the server is not built: no " + System.getProperty("contract.serverJar", "server/target/kling-mcp.jar")
                        + " and no " + MAIN_CLASS + " on the class path (run mvn -pl server package first)");
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    String java() {
        return java;
    }

    List<String> args() {
        return args;
    }

    /** The full command line, for {@link ProcessBuilder}. */
    List<String> commandLine() {
        List<String> all = new ArrayList<>();
        all.add(java);
        all.addAll(args);
        return all;
    }

    boolean fromJar() {
        return fromJar;
    }

    String describe() {
        return fromJar ? "java -jar " + serverJar().orElseThrow() : "java -cp <test class path> " + MAIN_CLASS;
    }

    /** The running process started from this command, if it is (still) a child of this JVM. */
    Optional<ProcessHandle> findProcess() {
        return ProcessHandle.current()
                .descendants()
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> List.of(a).contains(marker))
                        .orElseGet(() -> commandLineHas(p, marker)))
                .findFirst();
    }

    /** The JDK gives no arguments for a very long command line (the class path form): read the kernel's copy. */
    private static boolean commandLineHas(ProcessHandle p, String marker) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
            return List.of(new String(raw, StandardCharsets.UTF_8).split("\0")).contains(marker);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
