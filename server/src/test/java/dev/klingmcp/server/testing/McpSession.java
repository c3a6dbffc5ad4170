package dev.klingmcp.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.mcp.KlingMcpServer;
import dev.klingmcp.server.transport.StdioTransportProvider;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A raw JSON-RPC client on in-memory pipes, talking to a real {@link KlingMcpServer} over our stdio transport. Raw on
 * purpose: the tests see exactly the bytes an MCP client sees (notifications included).
 */
public final class McpSession implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutputStream toServer;

    private final LinkedBlockingQueue<JsonNode> incoming = new LinkedBlockingQueue<>();

    private final List<JsonNode> notifications = new ArrayList<>();

    private final AtomicInteger ids = new AtomicInteger();

    private final KlingMcpServer server;

    public McpSession(JobService jobs, UnaryOperator<String> redactor) {
        Pipe in = new Pipe();
        Pipe out = new Pipe();
        this.toServer = in.sink();
        StdioTransportProvider transport = new StdioTransportProvider(
                McpJsonDefaults.getMapper(),
                in.source(),
                out.sink(),
                StdioTransportProvider.DEFAULT_MAX_LINE_BYTES,
                Duration.ofSeconds(10));
        this.server = KlingMcpServer.start(transport, jobs, redactor, "test");
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(out.source(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            incoming.add(JSON.readTree(line));
                        }
                    } catch (IOException e) {
                        // pipe closed
                    }
                },
                "test-client-reader");
        reader.setDaemon(true);
        reader.start();
        ObjectNode init = JSON.createObjectNode().put("protocolVersion", "2025-06-18");
        init.putObject("capabilities");
        init.putObject("clientInfo").put("name", "test").put("version", "0");
        request("initialize", init);
        notify("notifications/initialized", null);
    }

    public KlingMcpServer server() {
        return server;
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
        while (true) {
            JsonNode next;
            try {
                next = incoming.poll(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (next == null) {
                throw new AssertionError("no answer to " + method + " #" + id);
            }
            if (next.has("id") && next.get("id").asInt() == id && !next.has("method")) {
                return next;
            }
            synchronized (notifications) {
                notifications.add(next);
            }
        }
    }

    /** {@code tools/call}; returns the {@code result} (a CallToolResult). */
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

    /** Waits (bounded) for the next notification with this method that arrives, outside any request. */
    public JsonNode awaitNotification(String method, Duration timeout) {
        List<JsonNode> seen = drain(method);
        if (!seen.isEmpty()) {
            return seen.get(0);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode next;
            try {
                next = incoming.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (next != null && method.equals(next.path("method").asText())) {
                return next;
            }
            if (next != null) {
                synchronized (notifications) {
                    notifications.add(next);
                }
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

    private void send(JsonNode msg) {
        try {
            toServer.write((msg.toString() + "\n").getBytes(StandardCharsets.UTF_8));
            toServer.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        try {
            toServer.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
