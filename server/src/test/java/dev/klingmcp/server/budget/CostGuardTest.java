package dev.klingmcp.server.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.jobs.CostEstimate;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.ClientCapabilities;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostGuardTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final FalEndpoint ENDPOINT = FalEndpoints.load().require("o3/standard/image-to-video");

    private static final CostEstimate PRICE = new CostEstimate(0.84, 10, false, 0.084, "10 s × $0.084/s", "default");

    private final CostGuard guard = new CostGuard(0.5, RequestStateCodec.ephemeral());

    private final ObjectNode args = JSON.createObjectNode().put("model", "o3/standard/image-to-video");

    @Test
    void cheapJobsAndNoThresholdNeedNoConfirmation() {
        assertThat(guard.check(legacy(), "generate", args, ENDPOINT, new CostEstimate(0.4, 5, false, 0.08, "", "")))
                .isEqualTo(new CostGuard.Confirmed(null));
        assertThat(CostGuard.none().check(legacy(), "generate", args, ENDPOINT, PRICE))
                .isEqualTo(new CostGuard.Confirmed(null));
    }

    @Test
    void legacyClientWithoutElicitationMustNameThePrice() {
        assertThat(guard.check(legacy(), "generate", args, ENDPOINT, PRICE))
                .isInstanceOfSatisfying(CostGuard.Unconfirmed.class, u -> assertThat(u.problem())
                        .contains("$0.84"));
        assertThat(guard.check(legacy(), "generate", args.deepCopy().put("confirm_cost_usd", 0.5), ENDPOINT, PRICE))
                .isInstanceOf(CostGuard.Unconfirmed.class);
        assertThat(guard.check(legacy(), "generate", args.deepCopy().put("confirm_cost_usd", 0.84), ENDPOINT, PRICE))
                .isEqualTo(new CostGuard.Confirmed(null));
    }

    @Test
    void modernRoundTripConfirmsOneSubmitOnly() {
        InputRequiredException asked = catchThrowableOfType(
                InputRequiredException.class,
                () -> guard.check(modern(null, null, null), "generate", args, ENDPOINT, PRICE));
        assertThat(asked.inputRequests()
                        .path("confirm_cost")
                        .path("params")
                        .path("message")
                        .asText())
                .contains("$0.84");
        String state = asked.requestState();

        assertThat(guard.check(modern(answer("accept"), state, null), "generate", args, ENDPOINT, PRICE))
                .isInstanceOfSatisfying(CostGuard.Confirmed.class, c -> assertThat(c.idempotencyKey())
                        .isNotNull());
        assertThatThrownBy(() -> guard.check(modern(answer("accept"), state, null), "generate", args, ENDPOINT, PRICE))
                .isInstanceOf(RequestStateException.class)
                .hasMessageContaining("already used");
    }

    @Test
    void modernStateIsBoundToArgumentsAndCaller() {
        String state = catchThrowableOfType(
                        InputRequiredException.class,
                        () -> guard.check(modern(null, null, "alice"), "generate", args, ENDPOINT, PRICE))
                .requestState();
        ObjectNode other = args.deepCopy().put("prompt", "something else");
        assertThatThrownBy(
                        () -> guard.check(modern(answer("accept"), state, "alice"), "generate", other, ENDPOINT, PRICE))
                .isInstanceOf(RequestStateException.class);
        assertThatThrownBy(() ->
                        guard.check(modern(answer("accept"), state, "mallory"), "generate", args, ENDPOINT, PRICE))
                .isInstanceOf(RequestStateException.class);
        assertThat(guard.check(modern(answer("decline"), state, "alice"), "generate", args, ENDPOINT, PRICE))
                .isInstanceOf(CostGuard.Declined.class);
    }

    @Test
    void unansweredRetryAsksAgainWithTheSameState() {
        String state = catchThrowableOfType(
                        InputRequiredException.class,
                        () -> guard.check(modern(null, null, null), "generate", args, ENDPOINT, PRICE))
                .requestState();
        InputRequiredException again = catchThrowableOfType(
                InputRequiredException.class,
                () -> guard.check(modern(JSON.createObjectNode(), state, null), "generate", args, ENDPOINT, PRICE));
        assertThat(again.requestState()).isEqualTo(state);
    }

    private static ObjectNode answer(String action) {
        ObjectNode responses = JSON.createObjectNode();
        ObjectNode a = responses.putObject("confirm_cost").put("action", action);
        a.putObject("content").put("confirm", "accept".equals(action));
        return responses;
    }

    private static McpSyncServerExchange legacy() {
        return exchange(McpTransportContext.EMPTY);
    }

    private static McpSyncServerExchange modern(ObjectNode responses, String state, String principal) {
        return exchange(McpTransportContext.create(
                Map.of(MrtrContext.KEY, new MrtrContext(responses, state, true, principal))));
    }

    private static McpSyncServerExchange exchange(McpTransportContext context) {
        return new McpSyncServerExchange(new McpAsyncServerExchange(
                "test", null, ClientCapabilities.builder().build(), null, context));
    }
}
