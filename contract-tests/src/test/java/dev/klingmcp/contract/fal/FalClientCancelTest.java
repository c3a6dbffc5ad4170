package dev.klingmcp.contract.fal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code queue.cancel} from fal's JS client before completion, on a manual clock so "before" is certain, not a race:
 * while the request waits in the queue, and after the test moved it IN_PROGRESS. Both answer 202
 * CANCELLATION_REQUESTED (the client resolves); afterwards the mock reports the request COMPLETED with
 * {@code error_type: client_cancelled} (its documented default; fal does not document this).
 */
class FalClientCancelTest {

    @RegisterExtension
    static final FalClientBench bench = FalClientBench.manualClock();

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.klingmcp.contract.fal.SeedExample#onePerEndpoint")
    void cancelWhileQueued(SeedExample example) {
        JsonNode out = bench.script("cancel.mjs", example).arg("when", "before").run();

        assertThat(out.path("statusBefore").path("status").asText()).isEqualTo("IN_QUEUE");
        assertCancelledCleanly(out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.klingmcp.contract.fal.SeedExample#onePerEndpoint")
    void cancelWhileInProgress(SeedExample example) {
        JsonNode submitted = bench.script("submit.mjs", example).run().path("submitted");
        String requestId = submitted.path("request_id").asText();
        // Past the simulated queue wait, well short of the run time: the job is running.
        bench.control()
                .advanceClock(
                        Duration.ofSeconds((long) example.endpoint().timing().queueSeconds() + 1));
        assertThat(bench.control().job(requestId).orElseThrow().status().name()).isEqualTo("IN_PROGRESS");

        JsonNode out = bench.script("cancel.mjs")
                .arg("endpoint", example.endpoint().id())
                .arg("request", requestId)
                .run();

        assertThat(out.path("statusBefore").path("status").asText()).isEqualTo("IN_PROGRESS");
        assertCancelledCleanly(out);
    }

    private static void assertCancelledCleanly(JsonNode out) {
        assertThat(out.path("cancel").path("ok").asBoolean())
                .as("cancel resolved: %s", out.path("cancel"))
                .isTrue();
        JsonNode after = out.path("statusAfter").path("value");
        assertThat(after.path("status").asText()).as("%s", out).isEqualTo("COMPLETED");
        assertThat(after.path("error_type").asText()).isEqualTo("client_cancelled");
    }
}
