package dev.klingmcp.contract.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.MockFalOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stateless (2026-07-28) clients behind plain round-robin: the price question ({@code input_required}) may come from one
 * replica and the person's answer reach another. The sealed state verifies on any replica of the same ledger, the job
 * is submitted once, and the same answer replayed on the first replica submits nothing more.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class CostConfirmationAcrossReplicasTest {

    private static final String FAL_KEY = "confirm-replicas-key-id:confirm-replicas-key-secret";

    private static final String STANDARD = "fal-ai/kling-video/o3/standard/image-to-video";

    @RegisterExtension
    static final ReplicasOnOneLedger replicas = ReplicasOnOneLedger.perClass(
            FAL_KEY, new MockFalOptions().setManualClock(true).setSeed(31).setLogRequests(false));

    /** fal's example below (10 s, standard, no audio) is estimated at $0.84: above this, the price is asked. */
    private static final Map<String, String> CONFIRM_ABOVE = Map.of("KLING_MCP_BUDGET_CONFIRM_ABOVE_USD", "0.50");

    Replica a;
    Replica b;

    @BeforeAll
    void start() throws IOException {
        a = replicas.replica("A", CONFIRM_ABOVE, 0);
        b = replicas.replica("B", CONFIRM_ABOVE, 0);
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aPriceAskedByOneReplicaIsConfirmedOnTheOtherAndSubmittedOnce() throws Exception {
        JsonNode asked = call(a, generate(null), "ask");
        assertThat(asked.path("resultType").asText()).as("%s", asked).isEqualTo("input_required");
        String state = asked.path("requestState").asText();
        assertThat(state).isNotEmpty();

        JsonNode confirmed = call(b, generate(state), "confirm");
        assertThat(confirmed.path("resultType").asText()).as("%s", confirmed).isEqualTo("complete");
        assertThat(confirmed.path("isError").asBoolean()).as("%s", confirmed).isFalse();
        String jobId = confirmed.path("structuredContent").path("job_id").asText();
        assertThat(jobId).isNotEmpty();
        assertThat(accepted()).isEqualTo(1);

        JsonNode replayed = call(a, generate(state), "replay");
        assertThat(accepted())
                .as("the answer replayed on the first replica: %s", replayed)
                .isEqualTo(1);
        if (replayed.path("resultType").asText().equals("complete")) {
            assertThat(replayed.path("structuredContent").path("job_id").asText())
                    .as("a replay that is answered names the job already submitted")
                    .isEqualTo(jobId);
        }
    }

    private long accepted() {
        var counts = replicas.mock().control().submits().get(STANDARD);
        return counts == null ? 0 : counts.accepted();
    }

    /** generate as the TypeScript and Python SDKs send it; with {@code state}, the retry carrying the person's yes. */
    private static ObjectNode generate(String state) {
        ObjectNode params = Replica.JSON.createObjectNode().put("name", "generate");
        params.putObject("arguments")
                .put("model", "o3/standard/image-to-video")
                .put("prompt", "a red fox runs through the snow")
                .put("image_url", "https://example.com/fox.png")
                .put("duration", "10");
        ObjectNode meta = params.putObject("_meta");
        meta.put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
        meta.putObject("io.modelcontextprotocol/clientCapabilities")
                .putObject("elicitation")
                .putObject("form");
        if (state != null) {
            params.put("requestState", state);
            params.putObject("inputResponses")
                    .putObject("confirm_cost")
                    .put("action", "accept")
                    .putObject("content")
                    .put("confirm", true);
        }
        return params;
    }

    private JsonNode call(Replica replica, ObjectNode params, String id) throws IOException, InterruptedException {
        ObjectNode body = Replica.JSON
                .createObjectNode()
                .put("jsonrpc", "2.0")
                .put("id", id)
                .put("method", "tools/call");
        body.set("params", params);
        HttpRequest request = HttpRequest.newBuilder(URI.create(replica.url()))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "tools/call")
                .header("Mcp-Name", "generate")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        String text = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        JsonNode answer = null;
        if (text.startsWith("{")) {
            answer = Replica.JSON.readTree(text);
        } else {
            for (String line : text.split("\n", -1)) {
                if (line.startsWith("data:")) {
                    JsonNode message = Replica.JSON.readTree(line.substring(5).strip());
                    if (!message.has("method")) {
                        answer = message;
                    }
                }
            }
        }
        assertThat(answer).as("answer of %s on %s: %s", id, replica.url(), text).isNotNull();
        return answer.has("result") ? answer.get("result") : answer;
    }
}
