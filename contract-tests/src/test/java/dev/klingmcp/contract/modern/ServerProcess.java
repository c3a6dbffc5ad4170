package dev.klingmcp.contract.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.contract.process.ServerChild;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The server jar as a child process, spoken to with raw JSON-RPC: over stdin/stdout (one message per line) or, with
 * {@link #http}, over Streamable HTTP ({@link #url()}). Its stderr goes to a file for the failure message.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("MCP endpoint");

    private final ServerChild child;

    private final String url;

    private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();

    private ServerProcess(ServerChild child, String url) {
        this.child = child;
        this.url = url;
    }

    static ServerProcess stdio(ModernFixture f, String name, String... serveArgs) {
        ServerProcess p = start(f, name, null, ModernFixture.serverCommand(serveArgs), true);
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
                ModernFixture.serverCommand("--http", "--port", String.valueOf(port)),
                false);
        p.child.awaitStderr(LISTENING, Duration.ofSeconds(60));
        return p;
    }

    private static ServerProcess start(
            ModernFixture f, String name, String url, List<String> command, boolean readStdout) {
        Path err = f.root.resolve(name + "-stderr.log");
        return new ServerProcess(ServerChild.start(command, f.workDir, f.environment(), err, readStdout), url);
    }

    String url() {
        return url;
    }

    String stderr() {
        return child.stderr();
    }

    private void readStdout() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(child.process().getInputStream(), StandardCharsets.UTF_8))) {
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
            OutputStream in = child.process().getOutputStream();
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
        child.kill();
    }

    @Override
    public void close() {
        child.close();
    }
}
