package dev.klingmcp.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.junit.Faults;
import dev.klingmcp.mock.junit.ManualClock;
import dev.klingmcp.mock.junit.MockFalExtension;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The hand-written client against one mock-fal for the whole class, reset before every test. */
class PlainFalClientTest {

    static final String STANDARD = "fal-ai/kling-video/o3/standard/image-to-video";

    @RegisterExtension
    static final MockFalExtension FAL = MockFalExtension.builder().build(); // scaled clock: a job takes ~0.1 s

    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final PlainFalClient client = new PlainFalClient(FAL.baseUrl(), "any-key", sleeper);

    static ObjectNode input() {
        return new ObjectMapper()
                .createObjectNode()
                .put("prompt", "a red fox runs through snow")
                .put("image_url", "https://example.com/fox.png")
                .put("duration", "5");
    }

    @Test
    void happyPath() throws Exception {
        PlainFalClient.Submitted job = client.submit(STANDARD, input());
        client.awaitCompleted(job, Duration.ofSeconds(20), Duration.ofMillis(50));
        JsonNode video = client.result(job).get("video");

        assertThat(video.get("content_type").asText()).isEqualTo("video/mp4");
        assertThat(video.get("url").asText()).startsWith(FAL.baseUrl());
        assertThat(FAL.control().submits().get(STANDARD).attempts()).isEqualTo(1);
        FAL.assertNoContractViolations();
    }

    @Test
    @Faults("submit=429x2,retry_after=3")
    void rateLimitedSubmitIsRetriedAfterRetryAfter() throws Exception {
        PlainFalClient.Submitted job = client.submit(STANDARD, input());

        assertThat(job.requestId()).isNotBlank();
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(3));
        assertThat(FAL.control().submits().get(STANDARD).attempts()).isEqualTo(3);
        assertThat(FAL.control().submits().get(STANDARD).accepted()).isEqualTo(1);
        FAL.assertNoContractViolations();
    }

    @Test
    @Faults("job=stuck")
    void aStuckJobEndsInATimeoutNotAHang() throws Exception {
        PlainFalClient.Submitted job = client.submit(STANDARD, input());

        assertThatThrownBy(() -> client.awaitCompleted(job, Duration.ofMillis(300), Duration.ofMillis(50)))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("IN_QUEUE");
        assertThat(FAL.control().jobs()).hasSize(1);
    }

    @Test
    @ManualClock
    void cancelStopsAQueuedJob() throws Exception {
        PlainFalClient.Submitted job = client.submit(STANDARD, input());

        assertThat(client.cancel(job)).isEqualTo("CANCELLATION_REQUESTED");
        assertThat(client.status(job).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(client.cancel(job)).isEqualTo("ALREADY_COMPLETED");
        assertThat(FAL.control().jobs().get(0).cancelled()).isTrue();
        FAL.assertNoContractViolations();
    }

    @Test
    void aRefusedInputNamesTheFields() throws Exception {
        ObjectNode bad = input().put("duration", "20");
        bad.remove("image_url");
        PlainFalClient.Submitted job = client.submit(STANDARD, bad); // fal accepts, then the runner refuses it
        client.awaitCompleted(job, Duration.ofSeconds(20), Duration.ofMillis(50));

        assertThatThrownBy(() -> client.result(job)).isInstanceOfSatisfying(FalCallException.class, e -> {
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.fieldErrors())
                    .extracting(FieldError::field)
                    .containsExactlyInAnyOrder("image_url", "duration");
        });
        assertThat(FAL.control().contractViolations()).hasSize(1);
    }

    @Test
    void theReportTellsAClientAuthorWhatTheyGotWrong() throws Exception {
        ObjectNode sloppy = input().put("duration", 8).put("colour", "red"); // a number, and a field fal does not have
        client.submit(STANDARD, sloppy);

        assertThat(FAL.control().contractViolations().get(0).violations())
                .extracting(v -> v.where() + " " + v.path())
                .containsExactlyInAnyOrder("body /duration", "body /colour");
    }
}
