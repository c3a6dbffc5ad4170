package dev.klingmcp.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.klingmcp.examples.falclient.model.CancelStatus;
import dev.klingmcp.examples.falclient.model.KlingVideoO3StandardImageToVideoInput;
import dev.klingmcp.examples.falclient.model.QueueStatus;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.junit.Faults;
import dev.klingmcp.mock.junit.ManualClock;
import dev.klingmcp.mock.junit.MockFalExtension;
import dev.klingmcp.mock.junit.MockFalSettings;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The generated client, with the declarative form of the extension and the mock injected as a parameter. */
@ExtendWith(MockFalExtension.class)
@MockFalSettings(apiKeys = "example-key", failOnContractViolations = true)
class GeneratedFalClientTest {

    static final String STANDARD = "fal-ai/kling-video/o3/standard/image-to-video";

    private final RecordingSleeper sleeper = new RecordingSleeper();

    static KlingVideoO3StandardImageToVideoInput input() {
        return new KlingVideoO3StandardImageToVideoInput()
                .prompt("a red fox runs through snow")
                .imageUrl("https://example.com/fox.png")
                .duration(KlingVideoO3StandardImageToVideoInput.DurationEnum._5);
    }

    private GeneratedFalClient client(MockFal fal) {
        return new GeneratedFalClient(fal.baseUrl(), "example-key", sleeper);
    }

    private static QueueStatus awaitCompleted(GeneratedFalClient client, String id) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> client.status(id), s -> s.getStatus() == QueueStatus.StatusEnum.COMPLETED);
    }

    @Test
    void happyPath(MockFal fal) throws Exception {
        GeneratedFalClient client = client(fal);
        String id = client.submit(input()).getRequestId();
        awaitCompleted(client, id);

        assertThat(client.result(id).getVideo().getContentType()).isEqualTo("video/mp4");
        assertThat(fal.control().jobs()).hasSize(1);
    }

    @Test
    @Faults("submit=429x2")
    void rateLimitedSubmitIsRetriedAfterRetryAfter(MockFal fal) throws Exception {
        String id = client(fal).submit(input()).getRequestId();

        assertThat(id).isNotBlank();
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(fal.control().submits().get(STANDARD).attempts()).isEqualTo(3);
    }

    @Test
    @ManualClock
    @Faults("job=stuck")
    void aStuckJobStaysInTheQueue(MockFal fal) throws Exception {
        GeneratedFalClient client = client(fal);
        String id = client.submit(input()).getRequestId();
        fal.control().advanceClock(Duration.ofHours(2));

        QueueStatus status = client.status(id);
        assertThat(status.getStatus()).isEqualTo(QueueStatus.StatusEnum.IN_QUEUE);
        assertThat(status.getQueuePosition()).isZero();
    }

    @Test
    @ManualClock
    void cancelStopsAQueuedJob(MockFal fal) throws Exception {
        GeneratedFalClient client = client(fal);
        String id = client.submit(input()).getRequestId();

        assertThat(client.cancel(id)).isEqualTo(CancelStatus.StatusEnum.CANCELLATION_REQUESTED);
        assertThat(client.cancel(id)).isEqualTo(CancelStatus.StatusEnum.ALREADY_COMPLETED);
        assertThat(client.cancel("no-such-request")).isEqualTo(CancelStatus.StatusEnum.NOT_FOUND);
    }

    @Test
    void aRefusedInputNamesTheFields(MockFal fal) throws Exception {
        GeneratedFalClient client = client(fal);
        String id = client.submit(input().prompt("x".repeat(2600))).getRequestId();
        awaitCompleted(client, id);

        assertThatThrownBy(() -> client.result(id)).isInstanceOfSatisfying(FalCallException.class, e -> {
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.fieldErrors()).extracting(FieldError::field).containsExactly("prompt");
        });
        // The report saw it too; this test's mistake is on purpose, so it is cleared for failOnContractViolations.
        assertThat(fal.control().contractViolations()).hasSize(1);
        fal.control().reset();
    }
}
