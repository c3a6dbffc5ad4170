package dev.klingmcp.mock.http;

import static dev.klingmcp.mock.MockFalHarness.STANDARD;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_INPUT;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_QUEUE;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_RUN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.mock.MockFalHarness;
import dev.klingmcp.testing.http.SseClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SseHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final MockFalHarness mock = MockFalHarness.perClass(o -> o.setSsePingInterval(Duration.ofMillis(50)));

    private static SseClient stream(String id, String query) throws Exception {
        return SseClient.open(
                mock.http(),
                mock.uri("/fal-ai/kling-video/requests/" + id + "/status/stream" + query),
                "Authorization",
                "Key " + MockFalHarness.KEY);
    }

    private static List<JsonNode> parsed(SseClient sse) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String e : sse.events()) {
            out.add(JSON.readTree(e));
        }
        return out;
    }

    @Test
    void oneEventPerChangeEndingWithCompletedThenTheStreamCloses() throws Exception {
        String id = mock.submit(STANDARD, STANDARD_INPUT);
        SseClient sse = stream(id, "?logs=1");
        assertThat(sse.status()).isEqualTo(200);
        assertThat(sse.header("Content-Type")).isEqualTo("text/event-stream");
        assertThat(sse.header("x-fal-request-id")).isEqualTo(id);
        await().atMost(WAIT).until(() -> sse.events().size() == 1);

        mock.advance(STANDARD_QUEUE);
        await().atMost(WAIT).until(() -> sse.events().size() == 2);
        mock.advance(STANDARD_RUN);
        await().atMost(WAIT).until(() -> sse.ended());

        List<JsonNode> events = parsed(sse);
        assertThat(events)
                .extracting(e -> e.get("status").asText())
                .containsExactly(
                        "IN_QUEUE",
                        "IN_PROGRESS",
                        "IN_PROGRESS",
                        "IN_PROGRESS",
                        "IN_PROGRESS",
                        "IN_PROGRESS",
                        "COMPLETED");
        assertThat(events)
                .allSatisfy(e -> assertThat(e.get("request_id").asText()).isEqualTo(id));
        assertThat(events.get(events.size() - 1)
                        .get("metrics")
                        .get("inference_time")
                        .asDouble())
                .isEqualTo(STANDARD_RUN);

        // Each log line is sent once, so concatenating the events' logs (as fal's JS client does) gives the full log.
        List<String> streamed = new ArrayList<>();
        events.forEach(
                e -> e.path("logs").forEach(l -> streamed.add(l.get("message").asText())));
        List<String> polled = new ArrayList<>();
        mock.get("/fal-ai/kling-video/requests/" + id + "/status?logs=1")
                .json()
                .get("logs")
                .forEach(l -> polled.add(l.get("message").asText()));
        assertThat(streamed).isEqualTo(polled).hasSize(6);
    }

    @Test
    void pingsKeepAnIdleStreamAlive() throws Exception {
        String id = mock.submit(STANDARD, STANDARD_INPUT);
        SseClient sse = stream(id, "");
        await().atMost(WAIT)
                .until(() -> sse.lines().stream().filter(": ping"::equals).count() >= 2);
        assertThat(sse.events()).hasSize(1);
        assertThat(sse.ended()).isFalse();
        mock.put("/fal-ai/kling-video/requests/" + id + "/cancel", null);
        await().atMost(WAIT).until(() -> sse.ended());
        JsonNode last = JSON.readTree(sse.events().get(sse.events().size() - 1));
        assertThat(last.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(last.get("error_type").asText()).isEqualTo("client_cancelled");
    }

    @Test
    void aLateClientGetsExactlyOneCompletedEvent() throws Exception {
        String id = mock.submit(STANDARD, STANDARD_INPUT);
        mock.advance(STANDARD_QUEUE + STANDARD_RUN);
        SseClient sse = stream(id, "?logs=0");
        await().atMost(WAIT).until(() -> sse.ended());
        assertThat(sse.events()).hasSize(1);
        JsonNode only = JSON.readTree(sse.events().get(0));
        assertThat(only.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(only.get("logs").isNull()).isTrue();
    }

    @Test
    void aStreamForAnUnknownRequestIs404() throws Exception {
        SseClient sse = stream("00000000-0000-7000-8000-000000000001", "");
        assertThat(sse.status()).isEqualTo(404);
    }
}
