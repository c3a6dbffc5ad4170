package dev.klingmcp.server.reliability;

import dev.klingmcp.testing.mcp.JsonRpcSession;
import dev.klingmcp.testing.report.ReliabilityReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kling-mcp serve} (stdio) in its own JVM, started from this module's test class path with a deployment's heap
 * cap, so that what a suite measures (resident memory, heap after a full GC) is the server's alone and not the test's.
 * Its stderr goes to a file; its stdin/stdout carry a raw {@link JsonRpcSession}.
 */
final class ChildServer implements AutoCloseable {

    static final String HEAP = "-Xmx256m";

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private final Process process;

    private final JsonRpcSession session;

    private final Path stderr;

    private ChildServer(Process process, JsonRpcSession session, Path stderr) {
        this.process = process;
        this.session = session;
        this.stderr = stderr;
    }

    /** Starts the server with {@code env} (FAL_KEY, KLING_MCP_*) in {@code dir} and initializes a session. */
    static ChildServer start(Path dir, Map<String, String> env) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder b = new ProcessBuilder(List.of(
                        java.toString(),
                        HEAP,
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.klingmcp.server.KlingMcp",
                        "serve"))
                .directory(dir.toFile())
                .redirectError(dir.resolve("server-stderr.log").toFile());
        b.environment()
                .keySet()
                .removeIf(k -> k.startsWith("FAL_") || k.startsWith("KLING_MCP_") || k.startsWith("XDG_"));
        b.environment().put("HOME", dir.toString());
        b.environment().putAll(env);
        Process p;
        try {
            p = b.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonRpcSession session = new JsonRpcSession(p.getInputStream(), p.getOutputStream(), Duration.ofSeconds(60));
        session.initialize("reliability-child");
        return new ChildServer(p, session, dir.resolve("server-stderr.log"));
    }

    JsonRpcSession session() {
        return session;
    }

    long rssBytes() {
        return ReliabilityReport.rssBytes(process.pid());
    }

    /** Heap in use after a full GC, read with the JDK's jcmd ({@code GC.run}, then {@code GC.heap_info}); -1 if unreadable. */
    long heapAfterGcBytes() {
        jcmd("GC.run");
        Matcher m = USED.matcher(jcmd("GC.heap_info"));
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    private String jcmd(String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), command)
                    .redirectErrorStream(true)
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor(60, TimeUnit.SECONDS);
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    String stderr() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        session.close();
        try {
            process.getOutputStream().close();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
