package dev.klingmcp.contract.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Raw Streamable HTTP requests, as a client without an SDK sends them: for load and leak tests that must see (and count)
 * every HTTP exchange themselves. Every request has a timeout.
 */
final class JsonRpcOverHttp {

    static final ObjectMapper JSON = new ObjectMapper();

    static final String PROTOCOL_VERSION = "2025-06-18";

    private JsonRpcOverHttp() {}

    static String initializeBody() {
        return "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                + PROTOCOL_VERSION
                + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw-http\",\"version\":\"0\"}}}";
    }

    static String toolCall(int id, String tool, String argumentsJson) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + argumentsJson + "}}";
    }

    static HttpRequest post(String url, String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
            b.header("MCP-Protocol-Version", PROTOCOL_VERSION);
        }
        return b.build();
    }

    static HttpRequest delete(String url, String session) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Mcp-Session-Id", session)
                .timeout(Duration.ofSeconds(30))
                .DELETE()
                .build();
    }

    /** Opens a session, calls one tool, closes the session; returns the tool call's raw HTTP body. */
    static String initializeAndCall(String url, String tool, Map<String, Object> arguments)
            throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        HttpResponse<String> init =
                client.send(post(url, null, initializeBody()), HttpResponse.BodyHandlers.ofString());
        String session = init.headers()
                .firstValue("mcp-session-id")
                .orElseThrow(() -> new AssertionError("no session: " + init.statusCode() + " " + init.body()));
        client.send(
                post(url, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                HttpResponse.BodyHandlers.discarding());
        String body = client.send(
                        post(url, session, toolCall(1, tool, JSON.writeValueAsString(arguments))),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        client.send(delete(url, session), HttpResponse.BodyHandlers.discarding());
        return body;
    }

    /** The JSON-RPC answer in a plain JSON body or in the last {@code data:} line (with an id) of an SSE body. */
    static JsonNode parse(String body) {
        try {
            String text = body.strip();
            if (text.startsWith("{")) {
                return JSON.readTree(text);
            }
            JsonNode last = null;
            for (String line : text.lines().toList()) {
                if (line.startsWith("data:")) {
                    JsonNode n = JSON.readTree(line.substring(5).strip());
                    if (n.has("id")) {
                        last = n;
                    }
                }
            }
            return last;
        } catch (IOException e) {
            return null;
        }
    }
}
