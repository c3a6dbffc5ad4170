package dev.klingmcp.contract.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test as a child process: started with exactly the environment given (nothing of this JVM's, so no
 * real key or setting of the machine reaches it), its stderr in a file for waiting on start-up lines and for failure
 * messages, stopped with SIGTERM and, if that does not end it in 15 s, SIGKILL.
 */
public final class ServerChild implements AutoCloseable {

    private final Process process;

    private final Path stderr;

    private ServerChild(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
    }

    /**
     * {@code java … -jar <jar> serve <args>}, with the heap and JIT settings of a test server: a small heap, and C1 only
     * (these servers live seconds, so a faster start beats peak speed).
     */
    public static List<String> serveCommand(Path jar, String... serveArgs) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString(),
                "serve"));
        command.addAll(List.of(serveArgs));
        return command;
    }

    /**
     * Starts {@code command} in {@code workDir}; with {@code readStdout} false its stdout is discarded (an HTTP server
     * writes nothing there), else it is left for {@link #process()}'s input stream.
     */
    public static ServerChild start(
            List<String> command, Path workDir, Map<String, String> env, Path stderrFile, boolean readStdout) {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(workDir.toFile()).redirectError(stderrFile.toFile());
        if (!readStdout) {
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        builder.environment().clear();
        builder.environment().putAll(env);
        try {
            return new ServerChild(builder.start(), stderrFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /**
     * Waits until stderr holds {@code line} and returns the match (e.g. the endpoint a server listening on port 0
     * prints); fails the test, after killing the process, if it exits first or nothing matches within {@code max}.
     */
    public Matcher awaitStderr(Pattern line, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(stderr());
            if (m.find()) {
                return m;
            }
            if (!process.isAlive()) {
                throw new AssertionError("server exited " + process.exitValue() + ":\n" + stderr());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new AssertionError("interrupted while the server started", e);
            }
        }
        kill();
        throw new AssertionError("server did not print '" + line + "' within " + max + ":\n" + stderr());
    }

    /** The process, for its stdin and stdout (a stdio server). */
    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Everything the server wrote on stderr so far. */
    public String stderr() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed, nothing is given back. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM (the server's shutdown hook closes its listener and ledger), SIGKILL if that takes over 15 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed: the server's stdin is only a way to tell a stdio server to end
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
