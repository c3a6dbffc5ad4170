package dev.klingmcp.server.requests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.fal.CallDeadline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LegacyFrontTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final UnknownTools TOOLS = new UnknownTools(List.of("generate", "status"));

    private static ObjectNode call(int id, String tool) {
        ObjectNode m =
                JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call");
        m.putObject("params").put("name", tool).putObject("_meta").put(InFlightCalls.META_KEY, "forged");
        return m;
    }

    private static ObjectNode cancel(int id) {
        ObjectNode m = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/cancelled");
        m.putObject("params").put("requestId", id).put("reason", "test");
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> meta(ObjectNode call) {
        return JSON.convertValue(call.at("/params/_meta"), Map.class);
    }

    @Test
    void anUnknownToolIsAnsweredWithTheToolsThereAre() {
        LegacyFront.Outcome out = LegacyFront.inspect("s1", call(7, "generate_video"), TOOLS);
        assertThat(out.consumed()).isTrue();
        assertThat(out.answer().at("/error/code").asInt()).isEqualTo(-32602);
        assertThat(out.answer().at("/error/message").asText()).contains("'generate_video'", "generate, status");
        assertThat(out.answer().at("/error/data/tools").toString()).isEqualTo("[\"generate\",\"status\"]");
        assertThat(out.answer().path("id").asInt()).isEqualTo(7);
    }

    @SuppressWarnings("try") // the attached call only needs to be open while the body runs
    @Test
    void aKnownToolIsMarkedWithItsOwnTokenAndACancelStopsItsWait() throws Exception {
        ObjectNode request = call(8, "status");
        LegacyFront.Outcome out = LegacyFront.inspect("s2", request, TOOLS);
        assertThat(out.consumed()).isFalse();
        assertThat(out.marked()).isTrue();
        assertThat(request.at("/params/_meta/" + InFlightCalls.META_KEY.replace("/", "~1"))
                        .asText())
                .as("a client's own value is replaced")
                .isNotEqualTo("forged");
        CallDeadline deadline = CallDeadline.after(Duration.ofSeconds(30));
        AtomicInteger stopped = new AtomicInteger();
        try (AutoCloseable attached = InFlightCalls.attach(meta(request), deadline)) {
            deadline.run(() -> CallDeadline.whenCancelledHere(stopped::incrementAndGet));
            assertThat(LegacyFront.inspect("other-session", cancel(8), TOOLS).consumed())
                    .isTrue();
            assertThat(deadline.isCancelled()).as("another session's cancel").isFalse();
            assertThat(LegacyFront.inspect("s2", cancel(8), TOOLS).consumed()).isTrue();
            assertThat(deadline.isCancelled()).isTrue();
            assertThat(stopped.get()).isEqualTo(1);
        }
    }

    @SuppressWarnings("try") // the attached call only needs to be open while the body runs
    @Test
    void aCancelThatArrivesBeforeTheHandlerStartedIsSeenWhenItAttaches() throws Exception {
        ObjectNode request = call(9, "status");
        LegacyFront.inspect("s3", request, TOOLS);
        LegacyFront.inspect("s3", cancel(9), TOOLS);
        CallDeadline deadline = CallDeadline.after(Duration.ofSeconds(30));
        try (AutoCloseable attached = InFlightCalls.attach(meta(request), deadline)) {
            assertThat(deadline.isCancelled()).isTrue();
        }
    }

    @Test
    void theAnswerToACancelledRequestIsWithheldOnceAndOnlyInItsOwnSession() {
        LegacyFront.inspect("s5", call(10, "status"), TOOLS);
        assertThat(InFlightCalls.isWithdrawn("s5", JSON.getNodeFactory().numberNode(10)))
                .as("not cancelled yet")
                .isFalse();
        LegacyFront.inspect("s5", cancel(10), TOOLS);
        assertThat(InFlightCalls.withdrawn(
                        "other-session", JSON.getNodeFactory().numberNode(10)))
                .isFalse();
        assertThat(InFlightCalls.isWithdrawn("s5", JSON.getNodeFactory().numberNode(10)))
                .isTrue();
        assertThat(InFlightCalls.withdrawn("s5", JSON.getNodeFactory().numberNode(10)))
                .isTrue();
        assertThat(InFlightCalls.withdrawn("s5", JSON.getNodeFactory().numberNode(10)))
                .as("asked once, when the answer goes out")
                .isFalse();
    }

    @Test
    void otherMessagesPassUntouched() {
        ObjectNode list =
                JSON.createObjectNode().put("jsonrpc", "2.0").put("id", 1).put("method", "tools/list");
        LegacyFront.Outcome out = LegacyFront.inspect("s4", list, TOOLS);
        assertThat(out.consumed()).isFalse();
        assertThat(out.marked()).isFalse();
        assertThat(out.answer()).isNull();
    }
}
