package dev.klingmcp.testing.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw MCP client over newline-delimited JSON-RPC (the stdio framing), on any pair of streams: an in-process server's
 * pipes or a child process's stdin/stdout. Raw on purpose: a test sees exactly the messages a client sees,
 * notifications included, without an SDK client smoothing them over. Every wait is bounded.
 */
public final class JsonRpcSession implements AutoCloseable {

    /** The protocol version {@link #initialize} asks for. */
    public static final String PROTOCOL_VERSION = "2025-06-18";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutputStream toServer;
    private final Duration answerTimeout;
    private final LinkedBlockingQueue<JsonNode> incoming = new LinkedBlockingQueue<>();
    private final List<JsonNode> notifications = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    /**
     * Starts reading {@code fromServer} on a daemon thread; nothing is sent yet.
     *
     * @param answerTimeout how long {@link #request} waits for its answer before failing the test
     */
    public JsonRpcSession(InputStream fromServer, OutputStream toServer, Duration answerTimeout) {
        this.toServer = toServer;
        this.answerTimeout = answerTimeout;
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(fromServer, StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            incoming.add(JSON.readTree(line));
                        }
                    } catch (IOException e) {
                        // the server closed its end: requests still waiting fail on their timeout
                    }
                },
                "json-rpc-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code initialize} then {@code notifications/initialized}; returns the {@code initialize} answer. */
    public JsonNode initialize(String clientName) {
        ObjectNode init = JSON.createObjectNode().put("protocolVersion", PROTOCOL_VERSION);
        init.putObject("capabilities");
        init.putObject("clientInfo").put("name", clientName).put("version", "0");
        JsonNode answer = request("initialize", init);
        notify("notifications/initialized", null);
        return answer;
    }

    /** Sends a request and returns its response, keeping the notifications that came before it. */
    public JsonNode request(String method, JsonNode params) {
        int id = ids.incrementAndGet();
        ObjectNode msg =
                JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
        if (params != null) {
            msg.set("params", params);
        }
        send(msg);
        long deadline = System.nanoTime() + answerTimeout.toNanos();
        while (true) {
            JsonNode next = poll(deadline - System.nanoTime());
            if (next == null) {
                throw new AssertionError("no answer to " + method + " #" + id + " within " + answerTimeout);
            }
            if (next.has("id") && next.get("id").asInt() == id && !next.has("method")) {
                return next;
            }
            keep(next);
        }
    }

    /** {@code tools/call}; returns the {@code result} (a CallToolResult), failing on a JSON-RPC error. */
    public JsonNode callTool(String name, JsonNode arguments, Object progressToken) {
        ObjectNode params = JSON.createObjectNode().put("name", name);
        params.set("arguments", arguments == null ? JSON.createObjectNode() : arguments);
        if (progressToken != null) {
            params.putObject("_meta").set("progressToken", JSON.valueToTree(progressToken));
        }
        JsonNode response = request("tools/call", params);
        if (!response.has("result")) {
            throw new AssertionError("tools/call " + name + " answered with a JSON-RPC error: " + response);
        }
        return response.get("result");
    }

    public void notify(String method, JsonNode params) {
        ObjectNode msg = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", method);
        if (params != null) {
            msg.set("params", params);
        }
        send(msg);
    }

    /** Waits (bounded) for the next notification with this method, outside any request. */
    public JsonNode awaitNotification(String method, Duration timeout) {
        List<JsonNode> seen = drain(method);
        if (!seen.isEmpty()) {
            return seen.get(0);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode next = poll(Math.min(TimeUnit.MILLISECONDS.toNanos(100), deadline - System.nanoTime()));
            if (next != null && method.equals(next.path("method").asText())) {
                return next;
            }
            if (next != null) {
                keep(next);
            }
        }
        throw new AssertionError("no " + method + " within " + timeout);
    }

    /** Notifications received so far with this method, and forgets them. */
    public List<JsonNode> drain(String method) {
        synchronized (notifications) {
            List<JsonNode> out = notifications.stream()
                    .filter(n -> method.equals(n.path("method").asText()))
                    .toList();
            notifications.removeAll(out);
            return out;
        }
    }

    private JsonNode poll(long nanos) {
        try {
            return incoming.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void keep(JsonNode message) {
        synchronized (notifications) {
            notifications.add(message);
        }
    }

    private void send(JsonNode msg) {
        try {
            toServer.write((msg.toString() + "\n").getBytes(StandardCharsets.UTF_8));
            toServer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the stream to the server (for a stdio server: its end of input). */
    @Override
    public void close() {
        try {
            toServer.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
