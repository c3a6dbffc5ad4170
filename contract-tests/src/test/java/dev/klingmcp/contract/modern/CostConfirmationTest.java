package dev.klingmcp.contract.modern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code budget.confirm-above-usd}: a job above the threshold reaches fal only after the person confirmed its price.
 * Modern lane: {@code input_required} with an elicitation, answered by the TypeScript SDK v2 client (accept: one
 * submit; decline: none), and a tampered or replayed {@code requestState} refused. Legacy lane: the SDK's elicitation
 * when the client declares it, else a {@code confirm_cost_usd} argument matching the estimate. The mock counts the
 * submits.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CostConfirmationTest {

    /** fal's example (10 s standard, no audio) is estimated at $0.84. */
    static final String THRESHOLD = "0.50";

    @RegisterExtension
    static final ServedOverHttp served =
            new ServedOverHttp("budget-http", 60).env("KLING_MCP_BUDGET_CONFIRM_ABOVE_USD", THRESHOLD);

    @Test
    void tsClientAcceptingTheElicitationSubmitsOnce() throws Exception {
        long before = served.fixture().accepted();
        JsonNode out = ClientScripts.tsClient(
                TsClientFlowTest.config(served, "http", "pin", "confirm", "accept"), Duration.ofSeconds(90));
        assertThat(out.path("elicitations")).hasSize(1);
        assertThat(out.path("elicitations").get(0).path("message").asText()).contains("$0.84");
        assertThat(out.path("generate").path("isError").asBoolean()).isFalse();
        assertThat(out.path("generate").path("structured").path("job_id").asText())
                .isNotBlank();
        assertThat(served.fixture().accepted() - before).isEqualTo(1);
    }

    @Test
    void tsClientDecliningSubmitsNothing() throws Exception {
        long before = served.fixture().accepted();
        JsonNode out = ClientScripts.tsClient(
                TsClientFlowTest.config(served, "http", "pin", "confirm", "decline"), Duration.ofSeconds(90));
        assertThat(out.path("elicitations")).hasSize(1);
        assertThat(out.path("generate").path("isError").asBoolean()).isTrue();
        assertThat(out.path("generate")
                        .path("structured")
                        .path("error")
                        .path("code")
                        .asText())
                .isEqualTo("cost_not_confirmed");
        assertThat(served.fixture().accepted() - before).isZero();
    }

    @Test
    void tamperedOrReplayedRequestStateIsRefused() {
        long before = served.fixture().accepted();
        ObjectNode first = generate();
        JsonNode asked = Wire.post(served.url(), first).result();
        assertThat(asked.path("resultType").asText()).isEqualTo("input_required");
        assertThat(asked.path("inputRequests")
                        .path("confirm_cost")
                        .path("method")
                        .asText())
                .isEqualTo("elicitation/create");
        String state = asked.path("requestState").asText();
        assertThat(state).startsWith("v1.");

        String tampered = tamper(state);
        Wire.Answer refused = Wire.post(served.url(), retry(tampered, "accept"));
        assertThat(refused.errorCode()).isEqualTo(-32602);
        assertThat(served.fixture().accepted() - before)
                .as("nothing submitted for a tampered state")
                .isZero();

        JsonNode accepted = Wire.post(served.url(), retry(state, "accept")).result();
        assertThat(accepted.path("resultType").asText()).isEqualTo("complete");
        assertThat(accepted.path("isError").asBoolean()).isFalse();
        assertThat(served.fixture().accepted() - before).isEqualTo(1);

        Wire.Answer replay = Wire.post(served.url(), retry(state, "accept"));
        assertThat(replay.errorCode()).as("a used state is refused").isEqualTo(-32602);
        assertThat(served.fixture().accepted() - before)
                .as("no second submit for a replay")
                .isEqualTo(1);
    }

    @Test
    void legacyClientWithoutElicitationMustNameThePrice() {
        long before = served.fixture().accepted();
        try (ServerProcess stdio = ServerProcess.stdio(served.fixture(), "budget-legacy")) {
            initialize(stdio, ModernFixture.JSON.createObjectNode());
            JsonNode refused =
                    stdio.call(legacyCall(ModernFixture.generateArguments())).path("result");
            assertThat(refused.path("isError").asBoolean()).isTrue();
            JsonNode problem = refused.path("structuredContent")
                    .path("error")
                    .path("problems")
                    .get(0);
            assertThat(problem.path("path").asText()).isEqualTo("/confirm_cost_usd");
            assertThat(problem.path("problem").asText()).contains("$0.84");
            assertThat(served.fixture().accepted() - before).isZero();

            ObjectNode confirmed = ModernFixture.generateArguments().put("confirm_cost_usd", 0.84);
            JsonNode submitted = stdio.call(legacyCall(confirmed)).path("result");
            assertThat(submitted.path("isError").asBoolean())
                    .as("%s", submitted)
                    .isFalse();
            assertThat(served.fixture().accepted() - before).isEqualTo(1);
        }
    }

    @Test
    void legacyClientWithElicitationIsAskedThroughTheSdk() {
        long before = served.fixture().accepted();
        try (ServerProcess stdio = ServerProcess.stdio(served.fixture(), "budget-legacy-elicit")) {
            ObjectNode caps = ModernFixture.JSON.createObjectNode();
            caps.putObject("elicitation").putObject("form");
            initialize(stdio, caps);
            int[] asked = {0};
            Function<JsonNode, JsonNode> answer = m -> {
                if (!"elicitation/create".equals(m.path("method").asText())) {
                    return null;
                }
                asked[0]++;
                ObjectNode r = ModernFixture.JSON.createObjectNode().put("jsonrpc", "2.0");
                r.set("id", m.get("id"));
                r.putObject("result")
                        .put("action", "accept")
                        .putObject("content")
                        .put("confirm", true);
                return r;
            };
            JsonNode submitted = stdio.call(
                            legacyCall(ModernFixture.generateArguments()), Duration.ofSeconds(60), answer)
                    .path("result");
            assertThat(asked[0]).isEqualTo(1);
            assertThat(submitted.path("isError").asBoolean())
                    .as("%s", submitted)
                    .isFalse();
            assertThat(served.fixture().accepted() - before).isEqualTo(1);
        }
    }

    /**
     * A person who does not answer the confirmation before the call's deadline: the call answers inside it, saying
     * nothing was submitted, and an answer arriving later submits nothing (the agent was told the call ended and would
     * ask again: a late answer that still submitted would be a job it never hears of, paid twice on its retry).
     */
    @Test
    void legacyConfirmationUnansweredByTheDeadlineSubmitsNothingEvenIfAnsweredLater() throws Exception {
        long before = served.fixture().accepted();
        try (ServerProcess stdio =
                ServerProcess.stdio(served.fixture(), "budget-legacy-late", "--set", "timeout.tool-call-seconds=5")) {
            ObjectNode caps = ModernFixture.JSON.createObjectNode();
            caps.putObject("elicitation").putObject("form");
            initialize(stdio, caps);
            JsonNode[] question = {null};
            long started = System.nanoTime();
            JsonNode answered = stdio.call(legacyCall(ModernFixture.generateArguments()), Duration.ofSeconds(30), m -> {
                        if ("elicitation/create".equals(m.path("method").asText())) {
                            question[0] = m; // the person is away: no answer yet
                        }
                        return null;
                    })
                    .path("result");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(question[0]).as("the price was asked").isNotNull();
            assertThat(took).as("answered within the call's deadline").isLessThan(Duration.ofMillis(5_500));
            assertThat(answered.path("isError").asBoolean()).as("%s", answered).isTrue();
            JsonNode error = answered.path("structuredContent").path("error");
            assertThat(error.path("code").asText()).isEqualTo("cost_not_confirmed");
            assertThat(error.path("message").asText()).contains("did not answer", "nothing was submitted");

            ObjectNode late = ModernFixture.JSON.createObjectNode().put("jsonrpc", "2.0");
            late.set("id", question[0].get("id"));
            late.putObject("result")
                    .put("action", "accept")
                    .putObject("content")
                    .put("confirm", true);
            stdio.send(late);
            // The server still answers (a dry run), and the late "yes" has had time to do harm if it could.
            Thread.sleep(2_000);
            JsonNode after = stdio.call(
                            legacyCall(ModernFixture.generateArguments().put("dry_run", true)))
                    .path("result");
            assertThat(after.path("isError").asBoolean()).as("%s", after).isFalse();
            assertThat(served.fixture().accepted() - before)
                    .as("nothing submitted, before or after the late answer")
                    .isZero();
        }
    }

    private static ObjectNode generate() {
        ObjectNode caps = ModernFixture.JSON.createObjectNode();
        caps.putObject("elicitation").putObject("form");
        return Wire.toolCall("generate", ModernFixture.generateArguments(), caps);
    }

    private static ObjectNode retry(String state, String action) {
        ObjectNode again = generate();
        ObjectNode params = (ObjectNode) again.get("params");
        params.put("requestState", state);
        ObjectNode answer =
                params.putObject("inputResponses").putObject("confirm_cost").put("action", action);
        answer.putObject("content").put("confirm", "accept".equals(action));
        return again;
    }

    /** Changes the price in the readable payload; the HMAC then no longer matches. */
    private static String tamper(String state) {
        String[] parts = state.split("\\.", -1);
        String payload =
                new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8);
        String cheaper = payload.replace("\"usd\":0.84", "\"usd\":0.01");
        assertThat(cheaper).isNotEqualTo(payload);
        return parts[0] + "."
                + java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(cheaper.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "." + parts[2];
    }

    private static void initialize(ServerProcess stdio, ObjectNode capabilities) {
        ObjectNode init =
                ModernFixture.JSON.createObjectNode().put("jsonrpc", "2.0").put("id", "init");
        init.put("method", "initialize");
        ObjectNode params = init.putObject("params").put("protocolVersion", "2025-11-25");
        params.set("capabilities", capabilities);
        params.putObject("clientInfo").put("name", "legacy-raw").put("version", "1");
        assertThat(stdio.call(init).path("result").path("protocolVersion").asText())
                .isEqualTo("2025-11-25");
        stdio.send(
                ModernFixture.JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/initialized"));
    }

    private static final java.util.concurrent.atomic.AtomicInteger IDS =
            new java.util.concurrent.atomic.AtomicInteger();

    private static ObjectNode legacyCall(ObjectNode arguments) {
        ObjectNode call = ModernFixture.JSON
                .createObjectNode()
                .put("jsonrpc", "2.0")
                .put("id", "legacy-" + IDS.incrementAndGet());
        call.put("method", "tools/call");
        call.putObject("params").put("name", "generate").set("arguments", arguments);
        return call;
    }
}
