package dev.klingmcp.mock.http;

import static dev.klingmcp.mock.MockFalHarness.STANDARD;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_INPUT;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_QUEUE;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_RUN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.mock.MockFalHarness;
import dev.klingmcp.mock.MockFalHarness.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CancelHttpTest {

    @RegisterExtension
    static final MockFalHarness mock = MockFalHarness.perClass();

    private static Response cancel(String id) {
        return mock.put("/fal-ai/kling-video/requests/" + id + "/cancel", null);
    }

    @Test
    void aQueuedRequestIsRemovedAndReportsClientCancelled() {
        String id = mock.submit(STANDARD, STANDARD_INPUT);
        Response r = cancel(id);
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.body()).isEqualTo("{\"status\":\"CANCELLATION_REQUESTED\"}");
        assertThat(r.header("x-fal-request-id")).isEqualTo(id);

        Response status = mock.get("/fal-ai/kling-video/requests/" + id + "/status");
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().get("status").asText()).isEqualTo("COMPLETED");
        assertThat(status.json().get("error_type").asText()).isEqualTo("client_cancelled");
        Response result = mock.get("/fal-ai/kling-video/requests/" + id);
        assertThat(result.status()).isEqualTo(499);
        assertThat(result.header("X-Fal-Error-Type")).isEqualTo("client_cancelled");
    }

    @Test
    void aRunningRequestGetsTheCancelSignal() {
        String id = mock.submit(STANDARD, STANDARD_INPUT);
        mock.advance(STANDARD_QUEUE + 1);
        assertThat(cancel(id).status()).isEqualTo(202);
        assertThat(mock.control().job(id).orElseThrow().cancelled()).isTrue();
    }

    @Test
    void aCompletedRequestAnswersAlreadyCompleted() {
        String id = mock.submit(STANDARD, STANDARD_INPUT);
        mock.advance(STANDARD_QUEUE + STANDARD_RUN);
        Response r = cancel(id);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"status\":\"ALREADY_COMPLETED\"}");
        assertThat(mock.get("/fal-ai/kling-video/requests/" + id + "/status")
                        .json()
                        .has("error"))
                .isFalse();
    }

    @Test
    void anUnknownRequestIsNotFound() {
        Response r = cancel("00000000-0000-7000-8000-00000000abcd");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("{\"status\":\"NOT_FOUND\"}");
    }

    @Test
    void cancelWorksOnTheFullSubPathToo() {
        String id = mock.submit(STANDARD, STANDARD_INPUT);
        assertThat(mock.put("/" + STANDARD + "/requests/" + id + "/cancel/", null)
                        .status())
                .isEqualTo(202);
    }

    @Test
    void aCancelIgnoringJobAnswers202AndCarriesOn() {
        String id = mock.submit(STANDARD, STANDARD_INPUT);
        // The fault header applies to the next job submitted, which the header's own request creates.
        String stubborn = mock.post("/" + STANDARD, STANDARD_INPUT, QueueRoutes.FAULT_HEADER, "job=cancel_ignored")
                .json()
                .get("request_id")
                .asText();
        assertThat(cancel(stubborn).status()).isEqualTo(202);
        assertThat(cancel(id).status()).isEqualTo(202);
        mock.advance(STANDARD_QUEUE + STANDARD_RUN);
        assertThat(mock.get("/fal-ai/kling-video/requests/" + stubborn).status())
                .isEqualTo(200);
        assertThat(mock.get("/fal-ai/kling-video/requests/" + id).status()).isEqualTo(499);
    }

    @Test
    void whenConfiguredACancelledRequestIsForgotten() {
        try (MockFalHarness forgetful = MockFalHarness.start(o -> o.setForgetCancelledRequests(true))) {
            String id = forgetful.submit(STANDARD, STANDARD_INPUT);
            assertThat(forgetful
                            .put("/fal-ai/kling-video/requests/" + id + "/cancel", null)
                            .status())
                    .isEqualTo(202);
            assertThat(forgetful
                            .get("/fal-ai/kling-video/requests/" + id + "/status")
                            .status())
                    .isEqualTo(404);
        }
    }
}
