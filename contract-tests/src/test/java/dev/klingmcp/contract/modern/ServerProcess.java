package dev.klingmcp.contract.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The server jar as a child process, spoken to with raw JSON-RPC: over stdin/stdout (one message per line) or, with
 * {@link #http}, over Streamable HTTP ({@link #url()}). Its stderr goes to a file for the failure message.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;

    private final Path stderr;

    private final String url;

    private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();

    private ServerProcess(Process process, Path stderr, String url) {
        this.process = process;
        this.stderr = stderr;
        this.url = url;
    }

    static ServerProcess stdio(ModernFixture f, String name) {
        ServerProcess p = start(f, name, null, ModernFixture.serverCommand());
        Thread reader = new Thread(p::readStdout, "stdout " + name);
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    static ServerProcess http(ModernFixture f, String name) {
        int port = ModernFixture.freePort();
        ServerProcess p = start(
                f,
                name,
                "http://127.0.0.1:" + port + "/mcp",
                ModernFixture.serverCommand("--http", "--port", String.valueOf(port)));
        p.awaitStderr("MCP endpoint", Duration.ofSeconds(60));
        return p;
    }

    private static ServerProcess start(ModernFixture f, String name, String url, List<String> command) {
        Path err = f.root.resolve(name + "-stderr.log");
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(f.workDir.toFile()).redirectError(err.toFile());
        builder.environment().clear();
        builder.environment().putAll(f.environment());
        try {
            return new ServerProcess(builder.start(), err, url);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    String url() {
        return url;
    }

    String stderr() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }

    private void awaitStderr(String text, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (stderr().contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("server exited " + process.exitValue() + ":\n" + stderr());
            }
            sleep(100);
        }
        throw new AssertionError("server did not print '" + text + "' within " + max + ":\n" + stderr());
    }

    private void readStdout() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(ModernFixture.JSON.readTree(line));
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Writes one message as one line on the server's stdin. */
    void send(JsonNode message) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((message.toString() + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends a request on stdio and returns its response; every other message read meanwhile goes to {@code others},
     * which may answer server-to-client requests by returning a response to send (or null).
     */
    JsonNode call(ObjectNode request, Duration max, Function<JsonNode, JsonNode> others) {
        send(request);
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode line;
            try {
                line = lines.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (line == null) {
                continue;
            }
            if (line.has("id") && line.get("id").equals(request.get("id")) && !line.has("method")) {
                return line;
            }
            JsonNode reply = others.apply(line);
            if (reply != null) {
                send(reply);
            }
        }
        throw new AssertionError("no answer to " + request + " within " + max + "\nstderr:\n" + stderr());
    }

    JsonNode call(ObjectNode request) {
        return call(request, Duration.ofSeconds(60), m -> null);
    }

    /** SIGKILL: no shutdown hook, no flush. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed
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

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
