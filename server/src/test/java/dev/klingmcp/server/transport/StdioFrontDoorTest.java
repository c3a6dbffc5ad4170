package dev.klingmcp.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.server.mcp.KlingMcpServer;
import dev.klingmcp.server.testing.FakeJobService;
import dev.klingmcp.server.testing.LineClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The front door answers the connection-time requests alone, and leaves everything else, in order, to the server. */
@Timeout(60)
class StdioFrontDoorTest {

    private static final Duration ANSWER = Duration.ofSeconds(20);

    private static final Duration QUIET = Duration.ofMillis(300);

    private static final String INITIALIZE =
            "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"%s\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}";

    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    @TempDir
    Path tmp;

    private final LineClient client = new LineClient();

    private StdioFrontDoor door;

    private KlingMcpServer server;

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.close();
        }
    }

    private StdioFrontDoor open() {
        PublishedAnswers answers = PublishedAnswers.load("portable", "9.9.9");
        assertThat(answers)
                .as("the build writes the published answers into the classes")
                .isNotNull();
        door = new StdioFrontDoor(client.serverIn(), client.serverOut(), answers, 1 << 20);
        door.start();
        return door;
    }

    private void attachServer() {
        StdioTransportProvider transport = new StdioTransportProvider(McpJsonDefaults.getMapper(), door);
        server = KlingMcpServer.start(transport, new FakeJobService(tmp), s -> s, "9.9.9");
    }

    @Test
    void answersInitializeAndToolsListBeforeAnyServerExists() throws Exception {
        open();
        client.send(INITIALIZE.formatted("\"a\\\"1\"", "2025-06-18"));
        JsonNode init = client.response("\"a\\\"1\"", ANSWER);
        assertThat(init.at("/result/protocolVersion").asText()).isEqualTo("2025-06-18");
        assertThat(init.at("/result/serverInfo/name").asText()).isEqualTo("kling-mcp");
        assertThat(init.at("/result/serverInfo/version").asText()).isEqualTo("9.9.9");
        assertThat(init.at("/result/capabilities/tools").isObject()).isTrue();
        client.send(INITIALIZED);
        client.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        JsonNode tools = client.response("2", ANSWER).at("/result/tools");
        assertThat(tools.valueStream().map(t -> t.get("name").asText()))
                .containsExactly("describe_models", "generate", "status", "result", "cancel", "list_jobs", "upload");
        client.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"params\":{}}");
        assertThat(client.response("3", ANSWER).get("result").isEmpty()).isTrue();
        assertThat(door.awaitServerNeeded()).isTrue();
    }

    @Test
    void aVersionItDoesNotSpeakIsAnsweredWithTheNewest() {
        PublishedAnswers answers = PublishedAnswers.load("portable", "9.9.9");
        List<String> versions = answers.protocolVersions();
        open();
        client.send(INITIALIZE.formatted("1", "1999-01-01"));
        assertThat(client.response("1", ANSWER).at("/result/protocolVersion").asText())
                .isEqualTo(versions.get(versions.size() - 1));
    }

    @Test
    void whatItDoesNotAnswerWaitsInOrderForTheServerAndTheReplayedInitializeIsNotAnswered() {
        open();
        client.send(INITIALIZE.formatted("1", "2025-06-18"));
        client.response("1", ANSWER);
        client.send(INITIALIZED);
        client.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"describe_models\","
                + "\"arguments\":{}}}");
        client.send(INITIALIZE.formatted("4", "2025-06-18"));
        assertThat(client.next(QUIET))
                .as("nothing but the server may answer these")
                .isNull();

        attachServer();
        JsonNode call = client.response("3", ANSWER);
        assertThat(call.at("/result/isError").asBoolean()).isFalse();
        assertThat(call.at("/result/content/0/text").asText()).contains("kling");
        JsonNode again = client.response("4", ANSWER);
        assertThat(again.at("/error/code").asInt()).isEqualTo(-32600);
        client.send("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}");
        client.response("5", ANSWER);
        assertThat(client.received().stream().filter(m -> m.has("id")).map(m -> m.get("id")
                        .asText()))
                .containsExactlyInAnyOrder("1", "3", "4", "5");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                        + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"},\"_meta\":{}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                        + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"extra\":true,\"params\":{\"protocolVersion\":"
                        + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}} trailing",
                "not json"
            })
    void anythingUnusualIsLeftToTheServer(String line) throws Exception {
        open();
        client.send(line);
        assertThat(client.next(QUIET)).isNull();
        assertThat(door.awaitServerNeeded()).isTrue();
    }

    @Test
    void aRefusedFramingIsRefusedByTheServerOnceItIsThere() {
        open();
        client.send("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
        assertThat(client.next(QUIET)).isNull();
        attachServer();
        assertThat(client.response("1", ANSWER).at("/error/code").asInt()).isEqualTo(-32600);
    }

    @Test
    void inputEndingAfterItsAnswersNeedsNoServer() throws Exception {
        open();
        client.send(INITIALIZE.formatted("1", "2025-06-18"));
        client.response("1", ANSWER);
        client.send(INITIALIZED);
        client.close();
        CompletableFuture<Boolean> needed = CompletableFuture.supplyAsync(() -> {
            try {
                return door.awaitServerNeeded();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(needed.get(10, TimeUnit.SECONDS)).isFalse();
    }
}
