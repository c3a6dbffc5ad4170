package dev.klingmcp.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.testing.HttpTestClient;
import dev.klingmcp.server.transport.StreamableHttpServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A quick legacy-lane {@code tools/call} leaves as one response with a length (headers, answer and end together), while
 * a slow one still sends its headers early and streams its progress before the answer.
 */
@Timeout(60)
class OneWriteAnswerTest {

    private static final long SLOW_MILLIS = 3_000;

    private StreamableHttpServer http;

    private McpSyncServer server;

    private HttpTestClient client;

    private String session;

    @BeforeEach
    void start() throws Exception {
        http = StreamableHttpServer.create(0);
        server = McpServer.sync(http.transport())
                .immediateExecution(true)
                .serverInfo("one-write-test", "0")
                .capabilities(ServerCapabilities.builder().tools(true).build())
                .tools(
                        tool("quick", (exchange, token) -> {}),
                        tool("slow", (exchange, token) -> {
                            try {
                                Thread.sleep(SLOW_MILLIS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }),
                        tool("progressing", (exchange, token) -> {
                            for (int i = 1; i <= 2; i++) {
                                exchange.progressNotification(new ProgressNotification(token, i, 2.0, "step " + i));
                            }
                        }))
                .build();
        http.start();
        client = new HttpTestClient(http.port());
        HttpResponse<String> init = client.send(client.post(HttpTestClient.INITIALIZE));
        session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        client.send(client.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .header("Mcp-Session-Id", session));
    }

    @AfterEach
    void stop() {
        server.close();
        http.close();
    }

    @Test
    void aQuickCallIsOneResponseWithALength() throws Exception {
        for (int id = 2; id < 5; id++) {
            HttpResponse<String> answer = client.send(call(id, "quick"));
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            assertThat(answer.headers().firstValueAsLong("Content-Length"))
                    .hasValue(answer.body().length());
            assertThat(answer.headers().firstValue("Transfer-Encoding")).isEmpty();
            assertThat(answer.body())
                    .startsWith("id: ")
                    .contains("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + id
                            + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"quick done\"}]");
        }
    }

    @Test
    void aSlowCallSendsItsHeadersLongBeforeItsAnswer() throws Exception {
        long start = System.nanoTime();
        HttpResponse<InputStream> stream = client.raw()
                .sendAsync(call(2, "slow").build(), HttpResponse.BodyHandlers.ofInputStream())
                .get(10, TimeUnit.SECONDS);
        long headersAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(headersAfter).as("headers after %d ms", headersAfter).isLessThan(SLOW_MILLIS / 2);
        try (InputStream body = stream.body()) {
            String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(text).contains("\"id\":2,\"result\"", "slow done");
        }
    }

    @Test
    void progressStreamsBeforeTheAnswer() throws Exception {
        HttpResponse<String> answer = client.send(call(2, "progressing"));
        String body = answer.body();
        assertThat(body).contains("notifications/progress", "step 1", "step 2", "progressing done");
        assertThat(body.indexOf("step 2")).isLessThan(body.indexOf("progressing done"));
        assertThat(answer.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
    }

    private java.net.http.HttpRequest.Builder call(int id, String tool) {
        return client.post("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
                        + tool + "\",\"arguments\":{},\"_meta\":{\"progressToken\":\"p" + id + "\"}}}")
                .header("Mcp-Session-Id", session);
    }

    private interface Body {
        void run(io.modelcontextprotocol.server.McpSyncServerExchange exchange, Object progressToken);
    }

    private static SyncToolSpecification tool(String name, Body body) {
        return SyncToolSpecification.builder()
                .tool(Tool.builder()
                        .name(name)
                        .inputSchema(Map.of("type", "object"))
                        .build())
                .callHandler((exchange, request) -> {
                    body.run(exchange, request.progressToken());
                    return CallToolResult.builder()
                            .content(java.util.List.of(new TextContent(name + " done")))
                            .build();
                })
                .build();
    }
}
