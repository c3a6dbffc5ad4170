package dev.klingmcp.contract.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Raw stateless (2026-07-28) JSON-RPC: envelopes, routing headers, and one POST with its answer. */
final class Wire {

    static final String VERSION = "2026-07-28";

    private static final AtomicInteger IDS = new AtomicInteger();

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Wire() {}

    /** A request with the {@code _meta} envelope; {@code capabilities} are this request's client capabilities. */
    static ObjectNode request(String method, ObjectNode params, ObjectNode capabilities) {
        ObjectNode p = params == null ? ModernFixture.JSON.createObjectNode() : params.deepCopy();
        ObjectNode meta = p.putObject("_meta");
        meta.put("io.modelcontextprotocol/protocolVersion", VERSION);
        meta.set(
                "io.modelcontextprotocol/clientCapabilities",
                capabilities == null ? ModernFixture.JSON.createObjectNode() : capabilities);
        meta.putObject("io.modelcontextprotocol/clientInfo")
                .put("name", "raw-contract")
                .put("version", "1");
        ObjectNode r = ModernFixture.JSON.createObjectNode().put("jsonrpc", "2.0");
        r.put("id", "raw-" + IDS.incrementAndGet());
        r.put("method", method);
        r.set("params", p);
        return r;
    }

    static ObjectNode tasksCapability() {
        ObjectNode caps = ModernFixture.JSON.createObjectNode();
        caps.putObject("extensions").putObject("io.modelcontextprotocol/tasks");
        return caps;
    }

    static ObjectNode toolCall(String tool, ObjectNode arguments, ObjectNode capabilities) {
        ObjectNode params = ModernFixture.JSON.createObjectNode().put("name", tool);
        params.set("arguments", arguments);
        return request("tools/call", params, capabilities);
    }

    static ObjectNode task(String method, String taskId) {
        return request(method, ModernFixture.JSON.createObjectNode().put("taskId", taskId), tasksCapability());
    }

    /** The routing headers a conforming client sends for {@code request}. */
    static Map<String, String> headers(ObjectNode request) {
        String method = request.path("method").asText();
        JsonNode params = request.path("params");
        String name =
                switch (method) {
                    case "tools/call", "prompts/get" -> params.path("name").asText(null);
                    case "resources/read" -> params.path("uri").asText(null);
                    case "tasks/get", "tasks/cancel", "tasks/update" -> params.path("taskId")
                            .asText(null);
                    default -> null;
                };
        String version = params.path("_meta")
                .path("io.modelcontextprotocol/protocolVersion")
                .asText(VERSION);
        return name == null
                ? Map.of("MCP-Protocol-Version", version, "Mcp-Method", method)
                : Map.of("MCP-Protocol-Version", version, "Mcp-Method", method, "Mcp-Name", name);
    }

    /** One POST; the answer is the JSON body, or the last SSE event that is a response. */
    static Answer post(String url, ObjectNode body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String text = r.body();
            JsonNode json = null;
            if (text.startsWith("{")) {
                json = ModernFixture.JSON.readTree(text);
            } else {
                for (String line : text.split("\n", 0)) {
                    if (line.startsWith("data:")) {
                        JsonNode event =
                                ModernFixture.JSON.readTree(line.substring(5).strip());
                        if (!event.has("method")) {
                            json = event;
                        }
                    }
                }
            }
            return new Answer(r.statusCode(), json, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Answer post(String url, ObjectNode body) {
        return post(url, body, headers(body));
    }

    /**
     * @param status HTTP status
     * @param json   the JSON-RPC response (null when there was none)
     * @param raw    the body as received
     */
    record Answer(int status, JsonNode json, String raw) {
        JsonNode result() {
            return json == null ? ModernFixture.JSON.missingNode() : json.path("result");
        }

        int errorCode() {
            return json == null ? 0 : json.path("error").path("code").asInt();
        }
    }
}
