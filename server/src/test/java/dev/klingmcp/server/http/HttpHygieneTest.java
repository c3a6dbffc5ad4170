package dev.klingmcp.server.http;

import static dev.klingmcp.server.testing.HttpTestClient.INITIALIZE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.server.config.HttpSettings;
import dev.klingmcp.server.testing.FakeJobsOverHttp;
import dev.klingmcp.server.testing.HttpTestClient;
import dev.klingmcp.server.testing.RawHttpConnection;
import dev.klingmcp.server.transport.StreamableHttpServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.SubscribeRequest;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** HTTP hygiene on loopback: body limit, clean JSON errors, session cap, early stream headers, bare subscriptions. */
@Timeout(60)
class HttpHygieneTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private FakeJobsOverHttp front;

    private HttpTestClient client;

    @BeforeEach
    void start() {
        front = FakeJobsOverHttp.start(tmp, HttpSettings.loopback().withSessions(3, Duration.ofMinutes(5)), null);
        client = front.client();
    }

    @AfterEach
    void stop() {
        front.close();
    }

    @Test
    void aTenMegabyteBodyGets413() throws Exception {
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\""
                + "a".repeat(10 * 1024 * 1024) + "\"}}";
        HttpResponse<String> r = client.send(client.post(big));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(r.body()).path("error").path("message").asText())
                .contains("http.max-body-bytes");
    }

    @Test
    void errorsAreShortJsonRpcObjectsWithoutStackTracesOrServerVersion() throws Exception {
        HttpResponse<String> noSession =
                client.send(client.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}"));
        assertThat(noSession.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noSession.body()).path("error").path("code").isInt())
                .isTrue();
        assertThat(noSession.body()).hasSizeLessThan(300);
        HttpResponse<String> evilOrigin = client.send(client.post("{}").header("Origin", "http://evil.example.com"));
        assertThat(evilOrigin.statusCode()).isEqualTo(403);
        assertThat(evilOrigin.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        HttpResponse<String> garbage = client.send(client.post("{not json"));
        assertThat(garbage.statusCode()).isGreaterThanOrEqualTo(400);
        HttpResponse<String> unknownSession =
                client.send(client.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}")
                        .header("Mcp-Session-Id", "nope"));
        assertThat(unknownSession.statusCode()).isEqualTo(404);
        assertThat(unknownSession.headers().firstValue("Server")).isEmpty();
    }

    /**
     * When Tomcat ends a keep-alive connection (after {@link StreamableHttpServer#MAX_KEEP_ALIVE_REQUESTS} requests, or
     * when the client asks) its response says {@code Connection: close}; the SDK's own {@code Connection: keep-alive} in
     * the same response once made the JDK's client reuse the closing connection and lose its next request. Every
     * response says one thing about its connection, and the closing one only {@code close}.
     */
    @Test
    void aConnectionTomcatClosesSaysSoUnambiguously() throws Exception {
        HttpResponse<String> init = client.send(client.post(INITIALIZE));
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpClient oneConnection =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 150; i++) {
            HttpResponse<String> r = oneConnection.send(
                    client.post("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"tools/list\"}")
                            .header("Mcp-Session-Id", session)
                            .header("MCP-Protocol-Version", "2025-06-18")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("request %s", i).isEqualTo(200);
            assertThat(r.headers().allValues("Connection")).as("request %s", i).doesNotContain("keep-alive");
        }
        int port = URI.create(front.url()).getPort();
        try (RawHttpConnection connection = new RawHttpConnection(port)) {
            String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
            RawHttpConnection.Response kept = connection.postMcp(ping, "Mcp-Session-Id: " + session);
            assertThat(kept.values("Connection")).doesNotContain("keep-alive", "close");
            RawHttpConnection.Response last =
                    connection.postMcp(ping, "Mcp-Session-Id: " + session, "Connection: close");
            assertThat(last.statusLine()).startsWith("HTTP/1.1 200");
            assertThat(last.values("Connection")).containsExactly("close");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void sessionsBeyondTheCapAreRefusedWith503() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(client.send(client.post(INITIALIZE)).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> fourth = client.send(client.post(INITIALIZE));
        assertThat(fourth.statusCode()).isEqualTo(503);
        assertThat(fourth.body()).contains("http.max-sessions");
    }

    @Test
    void theLegacyGetStreamSendsItsHeadersAtOnce() throws Exception {
        HttpResponse<String> init = client.send(client.post(INITIALIZE));
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<InputStream> stream = client.raw()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create(front.url()))
                                .header("Accept", "text/event-stream")
                                .header("Mcp-Session-Id", session)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream())
                // keep-alive pings come every 15 s: headers must arrive well before the first of them
                .get(5, TimeUnit.SECONDS);
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        stream.body().close();
    }

    @Test
    void subscribingWithoutAReadDeliversUpdates() {
        List<String> updated = new CopyOnWriteArrayList<>();
        McpSyncClient mcp = client.mcpClient(null)
                .requestTimeout(Duration.ofSeconds(20))
                .resourcesUpdateConsumer(
                        r -> updated.addAll(r.stream().map(x -> x.uri()).toList()))
                .build();
        try {
            mcp.initialize();
            CallToolResult generated = mcp.callTool(CallToolRequest.builder("generate")
                    .arguments(Map.of("model", "o3/pro/reference-to-video", "prompt", "a cat"))
                    .build());
            String jobId =
                    ((Map<?, ?>) generated.structuredContent()).get("job_id").toString();
            mcp.subscribeResource(
                    SubscribeRequest.builder("kling://jobs/" + jobId).build());
            // The subscription alone (no resources/read) puts a background follower on the job...
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> Thread.getAllStackTraces().entrySet().stream()
                            .anyMatch(e -> e.getKey().getName().startsWith("job-watcher")
                                    && java.util.Arrays.stream(e.getValue())
                                            .anyMatch(f -> f.getMethodName().equals("awaitTerminal"))));
            // ...which relays the job's progress (the fake plays it when a foreground call waits on it).
            mcp.callTool(CallToolRequest.builder("status")
                    .arguments(Map.of("job_id", jobId, "wait_seconds", 10))
                    .build());
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> updated.contains("kling://jobs/" + jobId));
        } finally {
            mcp.closeGracefully();
        }
    }
}
