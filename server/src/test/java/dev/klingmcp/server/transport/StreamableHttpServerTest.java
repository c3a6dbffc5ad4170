package dev.klingmcp.server.transport;

import static dev.klingmcp.server.testing.HttpTestClient.INITIALIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.klingmcp.server.mcp.KlingMcpServer;
import dev.klingmcp.server.testing.FakeJobService;
import dev.klingmcp.server.testing.HttpTestClient;
import dev.klingmcp.server.testing.RawHttpConnection;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.coyote.http11.Http11Nio2Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --http}: the SDK's Streamable HTTP client against our Tomcat-hosted server, and the rebinding guard. */
@Timeout(60)
class StreamableHttpServerTest {

    @TempDir
    Path tmp;

    private StreamableHttpServer http;

    private KlingMcpServer server;

    @BeforeEach
    void start() {
        http = StreamableHttpServer.create(0);
        server = KlingMcpServer.start(http.transport(), new FakeJobService(tmp), s -> s, "test");
        http.start();
    }

    @AfterEach
    void stop() {
        server.close();
        http.close();
    }

    @Test
    void anMcpClientGeneratesAndFollowsAJobWithProgressOverHttp() {
        List<ProgressNotification> progress = new CopyOnWriteArrayList<>();
        McpSyncClient client = HttpTestClient.mcpClient(http.port(), null)
                .requestTimeout(Duration.ofSeconds(20))
                .progressConsumer(progress::add)
                .build();
        try {
            client.initialize();
            assertThat(client.listTools().tools()).hasSize(7);
            CallToolResult generated = client.callTool(CallToolRequest.builder("generate")
                    .arguments(Map.of("model", "o3/pro/reference-to-video", "prompt", "a cat"))
                    .build());
            assertThat(generated.isError()).isFalse();
            String jobId =
                    ((Map<?, ?>) generated.structuredContent()).get("job_id").toString();
            CallToolResult status = client.callTool(CallToolRequest.builder("status")
                    .arguments(Map.of("job_id", jobId, "wait_seconds", 10))
                    .progressToken("p1")
                    .build());
            assertThat(((Map<?, ?>) ((Map<?, ?>) status.structuredContent()).get("job")).get("status"))
                    .isEqualTo("SUCCEEDED");
            // The SDK's sync client hands each notification to its consumer on another thread, so some may reach the
            // list just after the result: the server sent them before it, which is what is checked here.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(progress).hasSizeGreaterThanOrEqualTo(3));
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void foreignOriginsAndHostsAreRefused() throws Exception {
        HttpTestClient raw = new HttpTestClient(http.port());
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
        HttpResponse<String> evilOrigin = raw.send(raw.post(ping).header("Origin", "http://evil.example.com"));
        assertThat(evilOrigin.statusCode()).isEqualTo(403);
        HttpResponse<String> local = raw.send(raw.post(INITIALIZE).header("Origin", "http://localhost:3000"));
        assertThat(local.statusCode()).isEqualTo(200);
        assertThat(local.headers().firstValue("mcp-session-id")).isPresent();
    }

    @Test
    void malformedJsonRpcOverHttpGetsProperErrors() throws Exception {
        HttpTestClient raw = new HttpTestClient(http.port());
        HttpResponse<String> wrongVersion = raw.send(raw.post(INITIALIZE.replace("\"2.0\"", "\"1.0\"")));
        assertThat(wrongVersion.statusCode()).isEqualTo(400);
        assertThat(wrongVersion.body()).contains("-32600");
        HttpResponse<String> opened = raw.send(raw.post(INITIALIZE));
        String session = opened.headers().firstValue("mcp-session-id").orElseThrow();
        HttpResponse<String> again = raw.send(raw.post(INITIALIZE).header("Mcp-Session-Id", session));
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("-32600").contains("already initialized");
        HttpResponse<String> level = raw.send(
                raw.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"logging/setLevel\",\"params\":{\"level\":5}}")
                        .header("Mcp-Session-Id", session));
        assertThat(level.body()).contains("-32602");
        HttpResponse<String> subscribe = raw.send(
                raw.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/subscribe\",\"params\":{\"uri\":"
                                + "\"file:///etc/passwd\"}}")
                        .header("Mcp-Session-Id", session));
        assertThat(subscribe.body()).contains("-32602");
    }

    @Test
    void oneKeepAliveConnectionServesManyMoreRequestsThanTomcatsDefaultHundred() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(http.port())) {
            String session =
                    connection.postMcp(INITIALIZE).values("Mcp-Session-Id").get(0);
            for (int i = 0; i < 250; i++) {
                RawHttpConnection.Response r = connection.postMcp(
                        "{\"jsonrpc\":\"2.0\",\"id\":" + (i + 2) + ",\"method\":\"ping\"}",
                        "Mcp-Session-Id: " + session);
                assertThat(r.statusLine()).as("request %d: %s", i, r.body()).startsWith("HTTP/1.1 200");
                assertThat(r.body()).contains("\"result\"");
                assertThat(r.values("Connection")).as("request %d", i).doesNotContain("close");
            }
        }
    }

    /** NIO2 serves a kept-alive connection's next request on the thread that sees it arrive (fewer wake-ups). */
    @Test
    void requestsAreServedByTomcatsNio2Connector() {
        assertThat(http.protocol()).isEqualTo(Http11Nio2Protocol.class.getName());
    }
}
