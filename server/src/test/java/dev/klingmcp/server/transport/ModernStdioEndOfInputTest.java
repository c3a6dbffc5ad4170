package dev.klingmcp.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.mcp.KlingMcpServer;
import dev.klingmcp.server.testing.FakeJobService;
import dev.klingmcp.server.testing.LineClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2026-07-28 stdio client that writes its requests and closes its end at once ({@code printf … | kling-mcp}, a
 * script, a test harness) still gets every answer, as an {@code initialize} client does: end of input stops waits and
 * listens, but does not swallow the answers of requests already read.
 */
@Timeout(60)
class ModernStdioEndOfInputTest {

    private static final Duration ANSWER = Duration.ofSeconds(15);

    private static final String META = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{},"
            + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}";

    @TempDir
    Path tmp;

    @Test
    void requestsWrittenJustBeforeEndOfInputAreAllAnswered() throws Exception {
        LineClient client = new LineClient();
        StdioTransportProvider transport = new StdioTransportProvider(
                McpJsonDefaults.getMapper(), client.serverIn(), client.serverOut(), 1 << 20, Duration.ofSeconds(20));
        KlingMcpServer server = KlingMcpServer.start(transport, new FakeJobService(tmp), s -> s, "9.9.9");
        try {
            client.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{" + META + "}}");
            client.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{" + META + "}}");
            client.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"status\","
                    + "\"arguments\":{\"job_id\":\"nope\"}," + META + "}}");
            client.close();
            assertThat(client.response("1", ANSWER)
                            .at("/result/supportedVersions")
                            .isArray())
                    .isTrue();
            assertThat(client.response("2", ANSWER).at("/result/tools").size()).isPositive();
            assertThat(client.response("3", ANSWER).at("/result/isError").asBoolean())
                    .isTrue();
            transport.terminated().get(20, TimeUnit.SECONDS);
        } finally {
            server.close();
        }
    }
}
