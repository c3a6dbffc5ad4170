package dev.klingmcp.mock.control;

import static dev.klingmcp.mock.MockFalHarness.STANDARD;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_INPUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.MockFalHarness;
import dev.klingmcp.mock.MockFalHarness.Response;
import org.junit.jupiter.api.Test;

class ControlApiTest {

    @Test
    void jobsListsRequestsAndSubmitCountersIncludingFaultedAttempts() {
        try (MockFalHarness mock = MockFalHarness.start()) {
            String id = mock.submit(STANDARD, STANDARD_INPUT);
            mock.post("/" + STANDARD, STANDARD_INPUT, "X-Mock-Fault", "submit=503");
            JsonNode body = mock.get("/_mock/jobs", "Authorization", null).json();
            assertThat(body.get("jobs")).hasSize(1);
            JsonNode job = body.get("jobs").get(0);
            assertThat(job.get("request_id").asText()).isEqualTo(id);
            assertThat(job.get("endpoint_id").asText()).isEqualTo(STANDARD);
            assertThat(job.get("status").asText()).isEqualTo("IN_QUEUE");
            assertThat(job.get("input").get("prompt").asText()).isEqualTo("a cat walks");
            assertThat(body.get("submits").get(STANDARD).get("attempts").asInt())
                    .isEqualTo(2);
            assertThat(body.get("submits").get(STANDARD).get("accepted").asInt())
                    .isEqualTo(1);
        }
    }

    @Test
    void theManualClockAdvancesOverHttp() {
        try (MockFalHarness mock = MockFalHarness.start()) {
            String id = mock.submit(STANDARD, STANDARD_INPUT);
            long before = mock.get("/_mock/clock").json().get("now_millis").asLong();
            Response advanced = mock.post("/_mock/clock/advance", "{\"seconds\": 10.5}");
            assertThat(advanced.status()).isEqualTo(200);
            assertThat(advanced.json().get("now_millis").asLong()).isEqualTo(before + 10_500);
            assertThat(mock.get("/fal-ai/kling-video/requests/" + id + "/status")
                            .json()
                            .get("status")
                            .asText())
                    .isEqualTo("IN_PROGRESS");
            assertThat(mock.post("/_mock/clock/advance?seconds=1", null).status())
                    .isEqualTo(200);
            assertThat(mock.post("/_mock/clock/advance", "{\"seconds\": -1}").status())
                    .isEqualTo(400);
            assertThat(mock.post("/_mock/clock/advance", "{\"minutes\": 1}")
                            .json()
                            .get("detail")
                            .asText())
                    .contains("seconds");
        }
    }

    @Test
    void aScaledClockCannotBeAdvancedByHand() {
        try (MockFalHarness mock =
                MockFalHarness.start(o -> o.setManualClock(false).setSpeed(10))) {
            Response r = mock.post("/_mock/clock/advance", "{\"seconds\": 1}");
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().get("detail").asText()).contains("manual clock");
        }
    }

    @Test
    void faultsCanBeReplacedAddedAndInspected() {
        try (MockFalHarness mock = MockFalHarness.start()) {
            Response put = mock.put(
                    "/_mock/faults",
                    "{\"routes\":{\"status\":{\"script\":[\"503\"],"
                            + "\"probabilities\":{\"429\":0.25}}},\"job\":{\"script\":[\"stuck\"]},\"retry_after_seconds\":3}");
            assertThat(put.status()).isEqualTo(200);
            JsonNode plan = put.json().get("plan");
            assertThat(plan.get("routes").get("status").get("script").toString())
                    .isEqualTo("[\"503\"]");
            assertThat(plan.get("routes")
                            .get("status")
                            .get("probabilities")
                            .get("429")
                            .asDouble())
                    .isEqualTo(0.25);
            assertThat(plan.get("job").get("script").toString()).isEqualTo("[\"stuck\"]");
            assertThat(plan.get("retry_after_seconds").asInt()).isEqualTo(3);

            assertThat(mock.post("/_mock/faults", "{\"spec\":\"cancel=500x2\"}")
                            .json()
                            .get("plan")
                            .get("routes")
                            .get("cancel")
                            .get("script")
                            .size())
                    .isEqualTo(2);
            Response bad = mock.put("/_mock/faults", "{\"routes\":{\"teleport\":{}}}");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().get("detail").asText()).contains("teleport", "allowed");

            mock.submit(STANDARD, STANDARD_INPUT);
            assertThat(mock.get("/_mock/faults")
                            .json()
                            .get("injected")
                            .get("job=stuck")
                            .asInt())
                    .isEqualTo(1);
        }
    }

    @Test
    void resetForgetsJobsCountersAndAddedFaults() {
        try (MockFalHarness mock = MockFalHarness.start()) {
            mock.submit(STANDARD, STANDARD_INPUT);
            mock.post("/_mock/faults", "{\"spec\":\"status=503x5\"}");
            assertThat(mock.post("/_mock/reset", null).status()).isEqualTo(200);
            JsonNode jobs = mock.get("/_mock/jobs").json();
            assertThat(jobs.get("jobs")).isEmpty();
            assertThat(jobs.get("submits").size()).isZero();
            assertThat(mock.get("/_mock/faults")
                            .json()
                            .get("plan")
                            .get("routes")
                            .size())
                    .isZero();
        }
    }

    @Test
    void unknownControlCallsAre404() {
        try (MockFalHarness mock = MockFalHarness.start()) {
            assertThat(mock.get("/_mock/teleport").status()).isEqualTo(404);
        }
    }
}
