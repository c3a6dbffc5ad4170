package dev.klingmcp.mock.http;

import static dev.klingmcp.mock.MockFalHarness.STANDARD;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_INPUT;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_QUEUE;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_RUN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.klingmcp.mock.MockFalHarness;
import dev.klingmcp.mock.MockFalHarness.Response;
import dev.klingmcp.mock.fault.FaultPlan;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultHttpTest {

    private static final String FAULT = QueueRoutes.FAULT_HEADER;

    @Test
    void ingressErrorsLookLikeNginxAndCarryNoRequestId() {
        try (MockFalHarness mock = MockFalHarness.start()) {
            String id = mock.submit(STANDARD, STANDARD_INPUT);
            String status = "/fal-ai/kling-video/requests/" + id + "/status";
            Response first = mock.get(status, FAULT, "status=503x2");
            Response second = mock.get(status);
            Response third = mock.get(status);
            for (Response r : List.of(first, second)) {
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.header("Content-Type")).isEqualTo("text/html");
                assertThat(r.body()).contains("nginx");
                assertThat(r.header("x-fal-request-id")).isNull();
            }
            assertThat(third.status()).isEqualTo(202);
            assertThat(mock.control().injectedFaults()).containsEntry("status=503", 2L);
        }
    }

    @Test
    void rateLimitsCarryRetryAfterAndServerErrorsAnErrorType() {
        try (MockFalHarness mock =
                MockFalHarness.start(o -> o.setFaults(FaultPlan.parse("submit=429,submit=500,retry_after=7")))) {
            Response limited = mock.post("/" + STANDARD, STANDARD_INPUT);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("Retry-After")).isEqualTo("7");
            Response failed = mock.post("/" + STANDARD, STANDARD_INPUT);
            assertThat(failed.status()).isEqualTo(500);
            assertThat(failed.header("X-Fal-Error-Type")).isEqualTo("internal_error");
            assertThat(failed.header("x-fal-request-id")).isNotBlank();
            assertThat(mock.post("/" + STANDARD, STANDARD_INPUT).status()).isEqualTo(200);
            assertThat(mock.control().submits().get(STANDARD).attempts()).isEqualTo(3);
            assertThat(mock.control().submits().get(STANDARD).accepted()).isEqualTo(1);
        }
    }

    @Test
    void brokenConnectionsAndBodies() {
        try (MockFalHarness mock = MockFalHarness.start(
                o -> o.setFaults(FaultPlan.parse("submit=reset,status=truncate,status=nonjson,status=slow:20")))) {
            // A POST, because java.net.http silently retries a GET whose connection closed before any answer.
            assertThatThrownBy(() -> mock.post("/" + STANDARD, STANDARD_INPUT))
                    .isInstanceOf(UncheckedIOException.class);
            String id = mock.submit(STANDARD, STANDARD_INPUT);
            String status = "/fal-ai/kling-video/requests/" + id + "/status";
            assertThatThrownBy(() -> mock.get(status)).isInstanceOf(UncheckedIOException.class);
            Response notJson = mock.get(status);
            assertThat(notJson.status()).isEqualTo(200);
            assertThat(notJson.header("Content-Type")).isEqualTo("application/json");
            assertThat(notJson.body()).startsWith("<html>");
            Response slow = mock.get(status);
            assertThat(slow.status()).isEqualTo(202);
            assertThat(slow.json().get("request_id").asText()).isEqualTo(id);
        }
    }

    @Test
    void jobFaultsStuckAndRunnerFailure() {
        try (MockFalHarness mock = MockFalHarness.start()) {
            String stuck = mock.post("/" + STANDARD, STANDARD_INPUT, FAULT, "job=stuck")
                    .json()
                    .get("request_id")
                    .asText();
            String dying = mock.post("/" + STANDARD, STANDARD_INPUT, FAULT, "job=fail:runner_connection_timeout")
                    .json()
                    .get("request_id")
                    .asText();
            mock.advance(3600);
            assertThat(mock.get("/fal-ai/kling-video/requests/" + stuck + "/status")
                            .json()
                            .get("status")
                            .asText())
                    .isEqualTo("IN_QUEUE");
            Response status = mock.get("/fal-ai/kling-video/requests/" + dying + "/status");
            assertThat(status.json().get("status").asText()).isEqualTo("COMPLETED");
            assertThat(status.json().get("error_type").asText()).isEqualTo("runner_connection_timeout");
            Response result = mock.get("/fal-ai/kling-video/requests/" + dying);
            assertThat(result.status()).isEqualTo(503);
            assertThat(result.header("X-Fal-Error-Type")).isEqualTo("runner_connection_timeout");
        }
    }

    @Test
    void theSameSeedGivesTheSameFaultsAndAnotherSeedOthers() {
        List<Integer> a = statusCodes(11);
        List<Integer> b = statusCodes(11);
        List<Integer> c = statusCodes(12);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(a).contains(202, 503, 429);
    }

    private static List<Integer> statusCodes(long seed) {
        try (MockFalHarness mock = MockFalHarness.start(
                o -> o.setSeed(seed).setFaults(FaultPlan.parse("status=503@0.3,status=429@0.2,job=stuck@0.5")))) {
            List<Integer> codes = new ArrayList<>();
            String id = mock.submit(STANDARD, STANDARD_INPUT);
            for (int i = 0; i < 40; i++) {
                codes.add(mock.get("/fal-ai/kling-video/requests/" + id + "/status")
                        .status());
            }
            for (int i = 0; i < 10; i++) {
                mock.submit(STANDARD, STANDARD_INPUT);
            }
            mock.advance(STANDARD_QUEUE + STANDARD_RUN);
            // the states' names, hashed: a run is compared only with another run of the same code
            mock.control().jobs().forEach(j -> codes.add(j.status().name().hashCode()));
            return codes;
        }
    }

    @Test
    void anUnreadableFaultHeaderIsABadRequestThatSaysWhatIsAllowed() {
        try (MockFalHarness mock = MockFalHarness.start()) {
            Response r = mock.post("/" + STANDARD, STANDARD_INPUT, FAULT, "status=418");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().get("detail").asText()).contains("418", "allowed", "503", "reset");
            assertThat(mock.control().jobs()).isEmpty();
        }
    }
}
