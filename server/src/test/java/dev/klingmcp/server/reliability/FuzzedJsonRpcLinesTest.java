package dev.klingmcp.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.server.mcp.KlingMcpServer;
import dev.klingmcp.server.testing.FakeJobService;
import dev.klingmcp.server.testing.Pipe;
import dev.klingmcp.server.transport.StdioTransportProvider;
import dev.klingmcp.testing.report.ReliabilityReport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed JSON-RPC lines on stdio (seeded): broken JSON, wrong versions, odd ids, unknown methods, bad params. The
 * session must survive every one, and everything the server writes must be a JSON-RPC 2.0 message.
 */
@Timeout(300)
class FuzzedJsonRpcLinesTest {

    static final int LINES = 2_000;
    static final long SEED = 977L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theSessionSurvivesEveryLineAndOnlyJsonRpcComesBack() throws Exception {
        Pipe in = new Pipe();
        Pipe out = new Pipe();
        StdioTransportProvider transport = new StdioTransportProvider(
                McpJsonDefaults.getMapper(), in.source(), out.sink(), 1 << 20, Duration.ofSeconds(10));
        KlingMcpServer server = KlingMcpServer.start(transport, new FakeJobService(dir), t -> t, "fuzz");
        OutputStream toServer = in.sink();
        BufferedReader fromServer = new BufferedReader(new InputStreamReader(out.source(), StandardCharsets.UTF_8));
        try {
            send(
                    toServer,
                    "{\"jsonrpc\":\"2.0\",\"id\":\"init\",\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"fuzz\",\"version\":\"0\"}}}");
            assertThat(readUntil(fromServer, "init").has("result")).isTrue();
            send(toServer, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            SplittableRandom r = new SplittableRandom(SEED);
            int answered = 0;
            for (int i = 0; i < LINES; i++) {
                send(toServer, line(r));
                if (i % 50 == 49) {
                    String probe = "probe-" + i;
                    send(toServer, "{\"jsonrpc\":\"2.0\",\"id\":\"" + probe + "\",\"method\":\"ping\"}");
                    JsonNode pong = readUntil(fromServer, probe);
                    assertThat(pong.has("result")).as("ping after line " + i).isTrue();
                    answered++;
                }
            }
            ReliabilityReport.section(
                    "fuzz-jsonrpc",
                    "## Fuzz (JSON-RPC lines on stdio)\n\nCommand: `mvn -B -pl server -am test"
                            + " -Dtest=FuzzedJsonRpcLinesTest -Dsurefire.failIfNoSpecifiedTests=false` (seed " + SEED
                            + ")\n\n" + LINES + " malformed lines; the session answered all " + answered
                            + " probes in between; every line written back was JSON-RPC 2.0.\n");
        } finally {
            server.close();
        }
    }

    private static final List<String> TEMPLATES = List.of(
            "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
            "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ping\"}",
            "{\"id\":1,\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"tools/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"nope/nothing\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{\"name\":\"generate\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":\"x\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"nope\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"resources/subscribe\",\"params\":{\"uri\":\"file:///etc/passwd\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"initialize\",\"params\":{}}",
            "{\"jsonrpc\":\"2.0\",\"id\":13,\"result\":{}}",
            "[]",
            "[1,2,3]",
            "\"just a string\"",
            "42",
            "null",
            "{",
            "{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"tools/call\",\"params\":{\"name\":\"status\",\"arguments\":{\"job_id\":[]}}}");

    private static String line(SplittableRandom r) {
        String t = TEMPLATES.get(r.nextInt(TEMPLATES.size()));
        return switch (r.nextInt(4)) {
            case 0 -> t.substring(0, r.nextInt(t.length() + 1)); // truncated
            case 1 -> {
                StringBuilder b = new StringBuilder(t);
                for (int i = r.nextInt(4); i >= 0 && b.length() > 0; i--) {
                    b.setCharAt(r.nextInt(b.length()), (char) (0x20 + r.nextInt(0x5F)));
                }
                yield b.toString();
            }
            default -> t;
        };
    }

    private static void send(OutputStream out, String line) throws Exception {
        out.write((line.replace("\n", " ") + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads lines until the answer with this id; every line read must be JSON-RPC 2.0. */
    private static JsonNode readUntil(BufferedReader in, String id) throws Exception {
        for (int i = 0; i < 10_000; i++) {
            String line = in.readLine();
            assertThat(line).as("server closed the stream").isNotNull();
            JsonNode msg = JSON.readTree(line);
            assertThat(msg.path("jsonrpc").asText()).as(line).isEqualTo("2.0");
            assertThat(msg.has("result") || msg.has("error") || msg.has("method"))
                    .as(line)
                    .isTrue();
            if (id.equals(msg.path("id").asText(null))) {
                return msg;
            }
        }
        throw new AssertionError("no answer with id " + id);
    }
}
