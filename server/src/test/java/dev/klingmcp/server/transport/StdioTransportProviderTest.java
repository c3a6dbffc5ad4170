package dev.klingmcp.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.server.testing.Pipe;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StdioTransportProviderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CountDownLatch releaseSlowTool = new CountDownLatch(1);

    private final CountDownLatch slowToolEntered = new CountDownLatch(1);

    private OutputStream clientOut;

    private BufferedReader clientIn;

    private StdioTransportProvider transport;

    private McpSyncServer server;

    @BeforeEach
    void start() throws IOException {
        Pipe toServer = new Pipe();
        Pipe toClient = new Pipe();
        clientOut = toServer.sink();
        clientIn = new BufferedReader(new InputStreamReader(toClient.source(), StandardCharsets.UTF_8));
        transport = new StdioTransportProvider(
                McpJsonDefaults.getMapper(), toServer.source(), toClient.sink(), 4096, Duration.ofSeconds(20));
        var echo = McpServerFeatures.SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder("echo", Map.of("type", "object")).build())
                .callHandler((exchange, req) -> McpSchema.CallToolResult.builder()
                        .addTextContent("echo")
                        .build())
                .build();
        var slow = McpServerFeatures.SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder("slow", Map.of("type", "object")).build())
                .callHandler((exchange, req) -> {
                    slowToolEntered.countDown();
                    try {
                        releaseSlowTool.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return McpSchema.CallToolResult.builder()
                            .addTextContent("slow done")
                            .build();
                })
                .build();
        server = McpServer.sync(transport)
                .serverInfo("t", "0")
                .tools(List.of(echo, slow))
                .build();
        send("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"0\"}}}");
        assertThat(read().path("result").path("serverInfo").path("name").asText())
                .isEqualTo("t");
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    }

    @AfterEach
    void stop() {
        releaseSlowTool.countDown();
        server.close();
    }

    @Test
    void malformedLineGetsParseErrorAndSessionContinues() throws IOException {
        send("{this is not json");
        JsonNode error = read();
        assertThat(error.path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(error.get("id").isNull()).isTrue();

        send(callTool(7, "echo"));
        JsonNode answer = read();
        assertThat(answer.path("id").asInt()).isEqualTo(7);
        assertThat(answer.path("result").path("content").path(0).path("text").asText())
                .isEqualTo("echo");
    }

    @Test
    void jsonThatIsNotAMessageGetsInvalidRequestWithItsId() throws IOException {
        send("{\"jsonrpc\":\"2.0\",\"id\":42}");
        JsonNode error = read();
        assertThat(error.path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(error.path("id").asInt()).isEqualTo(42);

        send("[1,2,3]");
        assertThat(read().path("error").path("code").asInt()).isEqualTo(-32600);

        send(callTool(8, "echo"));
        assertThat(read().path("id").asInt()).isEqualTo(8);
    }

    @Test
    void overlongLineIsRefusedAndSkippedWithoutKillingTheSession() throws IOException {
        send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(5000) + "\"}}");
        assertThat(read().path("error").path("code").asInt()).isEqualTo(-32600);
        send(callTool(9, "echo"));
        assertThat(read().path("id").asInt()).isEqualTo(9);
    }

    @Test
    void endOfInputStillAnswersTheRequestInFlight() throws Exception {
        send(callTool(11, "slow"));
        assertThat(slowToolEntered.await(10, TimeUnit.SECONDS)).isTrue();
        clientOut.close();
        // The reader saw EOF, but the session must stay up for the unanswered call.
        assertThat(transport.terminated()).isNotDone();
        releaseSlowTool.countDown();
        JsonNode answer = read();
        assertThat(answer.path("id").asInt()).isEqualTo(11);
        assertThat(answer.path("result").path("content").path(0).path("text").asText())
                .isEqualTo("slow done");
        transport.terminated().get(10, TimeUnit.SECONDS);
    }

    @Test
    void lineReaderSplitsOnNewlinesAndDropsCarriageReturns() throws IOException {
        var in = new java.io.ByteArrayInputStream("a\r\nbb\n\nlast".getBytes(StandardCharsets.UTF_8));
        var reader = new StdioLineReader(in, 10);
        assertThat(reader.next().text()).isEqualTo("a");
        assertThat(reader.next().text()).isEqualTo("bb");
        assertThat(reader.next().text()).isEmpty();
        assertThat(reader.next().text()).isEqualTo("last");
        assertThat(reader.next()).isNull();
    }

    private static String callTool(int id, String name) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + name
                + "\",\"arguments\":{}}}";
    }

    private void send(String line) throws IOException {
        clientOut.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        clientOut.flush();
    }

    private JsonNode read() throws IOException {
        String line = clientIn.readLine();
        assertThat(line).as("server answered").isNotNull();
        return JSON.readTree(line);
    }

    @Test
    void malformedJsonRpcGetsProperErrorsAndTheSessionGoesOn() throws IOException {
        send("{\"jsonrpc\":\"1.0\",\"id\":11,\"method\":\"ping\"}");
        JsonNode wrongVersion = read();
        assertThat(wrongVersion.path("id").asInt()).isEqualTo(11);
        assertThat(wrongVersion.path("error").path("code").asInt()).isEqualTo(-32600);

        send("{\"jsonrpc\":2.0,\"id\":12,\"method\":\"ping\"}");
        assertThat(read().path("error").path("code").asInt()).isEqualTo(-32600);

        send("{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"0\"}}}");
        JsonNode again = read();
        assertThat(again.path("id").asInt()).isEqualTo(13);
        assertThat(again.path("error").path("code").asInt()).isEqualTo(-32600);

        for (String level : List.of("\"nope\"", "null", "5")) {
            send("{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"logging/setLevel\",\"params\":{\"level\":" + level
                    + "}}");
            assertThat(read().path("error").path("code").asInt()).as(level).isEqualTo(-32602);
        }
        for (String uri : List.of("file:///etc/passwd", "kling://jobs/" + "x".repeat(300), "kling://other/1")) {
            send("{\"jsonrpc\":\"2.0\",\"id\":15,\"method\":\"resources/subscribe\",\"params\":{\"uri\":\"" + uri
                    + "\"}}");
            JsonNode refused = read();
            assertThat(refused.path("error").path("code").asInt()).as(uri).isEqualTo(-32602);
            assertThat(refused.toString()).hasSizeLessThan(400);
        }

        send("{\"jsonrpc\":\"2.0\",\"id\":16,\"method\":\"ping\"}");
        JsonNode pong = read();
        assertThat(pong.path("id").asInt()).isEqualTo(16);
        assertThat(pong.has("result")).isTrue();
    }
}
