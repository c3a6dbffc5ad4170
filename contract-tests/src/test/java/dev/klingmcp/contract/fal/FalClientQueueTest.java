package dev.klingmcp.contract.fal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * fal's JS client driving the queue by hand ({@code queue.submit}, {@code queue.status} with logs,
 * {@code queue.result}) and cancelling a finished request, for each endpoint with one of its doc examples.
 */
class FalClientQueueTest {

    @RegisterExtension
    static final FalClientBench bench = FalClientBench.fast();

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.klingmcp.contract.fal.SeedExample#onePerEndpoint")
    void submitStatusResult(SeedExample example) throws Exception {
        JsonNode out = bench.script("queue-flow.mjs", example).run();

        JsonNode submitted = out.path("submitted");
        String requestId = submitted.path("request_id").asText();
        assertThat(requestId).isNotBlank();
        assertThat(submitted.path("status").asText()).isIn("IN_QUEUE", "IN_PROGRESS", "COMPLETED");
        String appPrefix = bench.baseUrl() + "/" + example.endpoint().appId() + "/requests/" + requestId;
        assertThat(submitted.path("status_url").asText()).isEqualTo(appPrefix + "/status");
        assertThat(submitted.path("response_url").asText()).isEqualTo(appPrefix);
        assertThat(submitted.path("cancel_url").asText()).isEqualTo(appPrefix + "/cancel");

        JsonNode completed = out.path("completed");
        assertThat(completed.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(completed.path("request_id").asText()).isEqualTo(requestId);
        assertThat(completed.path("logs").isArray() && !completed.path("logs").isEmpty())
                .as("logs=1 gives logs")
                .isTrue();
        assertThat(completed.path("metrics").path("inference_time").isNumber()).isTrue();
        assertThat(completed.has("error"))
                .as("a successful job carries no error: %s", completed)
                .isFalse();

        assertThat(out.path("result").path("requestId").asText()).isEqualTo(requestId);
        FalClientSupport.assertVideoMatches(
                out.path("result").path("data").path("video"),
                example.requestedSeconds(),
                example.requestedAspectRatio(),
                bench.work());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.klingmcp.contract.fal.SeedExample#onePerEndpoint")
    void cancelAfterCompletionIsAnApiError400AlreadyCompleted(SeedExample example) {
        JsonNode out = bench.script("cancel.mjs", example).arg("when", "after").run();

        assertThat(out.path("statusBefore").path("status").asText()).isEqualTo("COMPLETED");
        JsonNode cancel = out.path("cancel");
        assertThat(cancel.path("ok").asBoolean()).as("%s", cancel).isFalse();
        assertThat(cancel.path("error").path("isApiError").asBoolean()).isTrue();
        assertThat(cancel.path("error").path("status").asInt()).isEqualTo(400);
        assertThat(cancel.path("error").path("body").path("status").asText()).isEqualTo("ALREADY_COMPLETED");
        assertThat(out.path("statusAfter").path("value").path("status").asText())
                .isEqualTo("COMPLETED");
    }
}
