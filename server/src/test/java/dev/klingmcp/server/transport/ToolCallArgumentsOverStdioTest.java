package dev.klingmcp.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.server.mcp.KlingMcpServer;
import dev.klingmcp.server.testing.FakeJobService;
import dev.klingmcp.server.testing.LineClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code arguments} sent as JSON text (a string) instead of an object, as agents relaying a function call's arguments
 * do: both protocol lanes answer -32602 saying to send the object itself, the session goes on, and nothing else happens
 * (the SDK's lane answered an internal error quoting Jackson; the stateless lane reported every field missing).
 */
@Timeout(60)
class ToolCallArgumentsOverStdioTest {

    private static final Duration ANSWER = Duration.ofSeconds(15);

    private static final String META = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{},"
            + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}";

    private static final String AS_TEXT =
            "\"arguments\":\"{\\\"model\\\":\\\"o3/standard/image-to-video\\\",\\\"dry_run\\\":true}\"";

    @TempDir
    Path tmp;

    private final LineClient client = new LineClient();

    private KlingMcpServer server;

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.close();
        }
    }

    private void start() {
        StdioTransportProvider transport = new StdioTransportProvider(
                McpJsonDefaults.getMapper(), client.serverIn(), client.serverOut(), 1 << 20, Duration.ofSeconds(20));
        server = KlingMcpServer.start(transport, new FakeJobService(tmp), s -> s, "9.9.9");
    }

    @Test
    void theSdkLaneRefusesArgumentsThatAreNotAnObjectAndGoesOn() {
        start();
        client.send("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
        client.response("0", ANSWER);
        client.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        client.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"generate\","
                + AS_TEXT + "}}");
        assertRefused(client.response("1", ANSWER), "the string holds JSON text; send the object itself");
        client.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"status\","
                + "\"arguments\":[\"x\"]}}");
        assertRefused(client.response("2", ANSWER), "got an array");
        client.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"status\","
                + "\"arguments\":{\"job_id\":\"nope\"}}}");
        assertThat(client.response("3", ANSWER).at("/result/isError").asBoolean())
                .isTrue();
    }

    @Test
    void theStatelessLaneRefusesArgumentsThatAreNotAnObject() {
        start();
        client.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"generate\","
                + AS_TEXT + "," + META + "}}");
        assertRefused(client.response("1", ANSWER), "the string holds JSON text; send the object itself");
        client.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"status\","
                + "\"arguments\":{\"job_id\":\"nope\"}," + META + "}}");
        assertThat(client.response("2", ANSWER).at("/result/isError").asBoolean())
                .isTrue();
    }

    private static void assertRefused(JsonNode answer, String says) {
        assertThat(answer.at("/error/code").asInt()).as(answer.toString()).isEqualTo(-32602);
        assertThat(answer.at("/error/message").asText())
                .contains("params.arguments must be a JSON object")
                .contains(says)
                .doesNotContain("LinkedHashMap");
    }
}
