package dev.klingmcp.contract.mcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The server as a deployed HTTP service: {@code java -jar kling-mcp.jar serve --http --port 0} in its own process, with
 * a {@link ServerSetup}'s environment. The endpoint URL is read from the line the server prints on stderr once it
 * listens; every stderr line is copied to a file so a failing test can show it (and the leak scan can read it).
 */
final class HttpServerProcess implements AutoCloseable {

    private static final String ENDPOINT_LINE = "kling-mcp: MCP endpoint ";

    private final Process process;

    private final String url;

    private final Path stderrFile;

    private HttpServerProcess(Process process, String url, Path stderrFile) {
        this.process = process;
        this.url = url;
        this.stderrFile = stderrFile;
    }

    /** Starts the server and waits (at most a minute: a cold JVM on a busy 2-core machine) until it listens. */
    static HttpServerProcess start(ServerSetup setup, Path stderrFile, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("serve", "--http", "--port", "0"));
        args.addAll(List.of(extraArgs));
        ServerCommand command = ServerCommand.of(args.toArray(String[]::new));
        ProcessBuilder builder = new ProcessBuilder(command.commandLine())
                .directory(setup.workDir().toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = builder.environment();
        // A real key or the machine's own settings must never reach a test server.
        env.keySet().removeIf(k -> k.startsWith("FAL_") || k.startsWith("KLING_MCP_") || k.startsWith("XDG_"));
        env.putAll(setup.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.describe(), e);
        }
        CompletableFuture<String> endpoint = new CompletableFuture<>();
        Thread pump = new Thread(() -> copyStderr(process, stderrFile, endpoint), "http-server-stderr");
        pump.setDaemon(true);
        pump.start();
        try {
            return new HttpServerProcess(process, endpoint.get(60, TimeUnit.SECONDS), stderrFile);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            process.destroyForcibly();
            throw new AssertionError(
                    "the HTTP server printed no endpoint within 60 s; stderr:\n" + read(stderrFile), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while the HTTP server started", e);
        }
    }

    private static void copyStderr(Process process, Path file, CompletableFuture<String> endpoint) {
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                if (line.startsWith(ENDPOINT_LINE)) {
                    endpoint.complete(line.substring(ENDPOINT_LINE.length()).strip());
                }
            }
        } catch (IOException e) {
            endpoint.completeExceptionally(e);
        } finally {
            endpoint.completeExceptionally(new IOException("the server closed stderr (exit) before it listened"));
        }
    }

    /** {@code http://127.0.0.1:<port>/mcp}. */
    String url() {
        return url;
    }

    /** The server's process id (its RSS and command line are read from /proc). */
    long pid() {
        return process.pid();
    }

    String stderr() {
        return read(stderrFile);
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }

    /** SIGTERM (the server's shutdown hook closes the listener and the ledger), SIGKILL if that takes over 15 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
