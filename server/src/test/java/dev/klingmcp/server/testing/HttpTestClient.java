package dev.klingmcp.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.transport.StreamableHttpServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Clients of the server's HTTP front on 127.0.0.1, with or without a bearer token: the SDK's MCP client, and raw
 * JSON-RPC POSTs for what an SDK client would never send. Every raw answer body is kept, so a test can check at the end
 * that none of them leaked a stack trace or the server's name and version.
 */
public final class HttpTestClient {

    /** A 2025-06-18 {@code initialize} request, the first thing a raw client posts. */
    public static final String INITIALIZE =
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"0\"}}}";

    private final int port;
    private final HttpClient raw =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    public HttpTestClient(int port) {
        this.port = port;
    }

    /**
     * The SDK's sync client for the MCP endpoint on {@code port}, sending {@code Authorization: Bearer <token>} on every
     * request unless {@code token} is null; the caller adds its timeout and consumers, builds and initializes it.
     */
    public static McpClient.SyncSpec mcpClient(int port, String token) {
        HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport.builder(
                        "http://127.0.0.1:" + port)
                .endpoint(StreamableHttpServer.ENDPOINT);
        if (token != null) {
            transport = transport.requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token));
        }
        return McpClient.sync(transport.build());
    }

    /** {@link #mcpClient(int, String)} for this client's port. */
    public McpClient.SyncSpec mcpClient(String token) {
        return mcpClient(port, token);
    }

    /** The shared JDK client, for requests whose answer is a stream rather than a body to keep. */
    public HttpClient raw() {
        return raw;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** A JSON-RPC POST to the MCP endpoint accepting both JSON and an event stream, as a conforming client sends it. */
    public HttpRequest.Builder post(String body) {
        return HttpRequest.newBuilder(uri(StreamableHttpServer.ENDPOINT))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    /** {@link #post(String)} with {@code Authorization: Bearer <token>}. */
    public HttpRequest.Builder post(String body, String token) {
        return post(body).header("Authorization", "Bearer " + token);
    }

    /** Sends the request on a shared client and keeps the answer body for {@link #assertNoBodyLeaked()}. */
    public HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> r = raw.send(request.build(), HttpResponse.BodyHandlers.ofString());
        bodies.add(r.body());
        return r;
    }

    /** No answer body carried a Java stack trace, the container's name or version, or an HTML error page. */
    public void assertNoBodyLeaked() {
        assertThat(bodies).allSatisfy(b -> assertThat(b)
                .doesNotContain("at java.", "at io.", "stackTrace", "Tomcat", "11.0.", "<html"));
    }
}
