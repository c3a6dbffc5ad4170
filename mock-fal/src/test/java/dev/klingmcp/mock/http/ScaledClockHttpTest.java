package dev.klingmcp.mock.http;

import static dev.klingmcp.mock.MockFalHarness.STANDARD;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_INPUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.klingmcp.mock.MockFalHarness;
import dev.klingmcp.testing.http.SseClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** On a scaled clock, jobs finish without anyone asking, and open streams are pushed to by the timer. */
class ScaledClockHttpTest {

    @Test
    void aStreamCompletesOnItsOwnWhenTimePasses() throws Exception {
        // x2000: the 66.4 s standard job takes ~33 ms of real time.
        try (MockFalHarness mock =
                MockFalHarness.start(o -> o.setManualClock(false).setSpeed(2000))) {
            String id = mock.submit(STANDARD, STANDARD_INPUT);
            SseClient sse = SseClient.open(
                    mock.http(),
                    mock.uri("/fal-ai/kling-video/requests/" + id + "/status/stream?logs=1"),
                    "Authorization",
                    "Key " + MockFalHarness.KEY);
            await().atMost(Duration.ofSeconds(20)).until(() -> sse.ended());
            assertThat(sse.events().get(sse.events().size() - 1)).contains("\"status\":\"COMPLETED\"");
            assertThat(mock.get("/fal-ai/kling-video/requests/" + id).status()).isEqualTo(200);
        }
    }
}
