package dev.klingmcp.mock.report;

import static dev.klingmcp.mock.MockFalHarness.STANDARD;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_INPUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.MockFalHarness;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RequestReportTest {

    private MockFalHarness mock;

    @BeforeEach
    void start() {
        mock = MockFalHarness.start();
    }

    @AfterEach
    void stop() {
        mock.close();
    }

    @Test
    void aNumericDurationAndAnUnknownFieldAreBothNamedWithTheirPaths() {
        String wrong = "{\"prompt\":\"a cat walks\",\"image_url\":\"https://example.com/cat.png\","
                + "\"duration\":8,\"colour\":\"red\"}";
        // fal accepts the submit (it validates when the job runs); the report still says what was wrong.
        assertThat(mock.post("/" + STANDARD, wrong).status()).isEqualTo(200);

        JsonNode report = mock.get("/_mock/requests").json();
        assertThat(report.get("total").asInt()).isEqualTo(1);
        assertThat(report.get("violating").asInt()).isEqualTo(1);
        JsonNode request = report.get("requests").get(0);
        assertThat(request.get("call").asText()).isEqualTo("submit");
        assertThat(request.get("endpoint_id").asText()).isEqualTo(STANDARD);
        assertThat(request.get("matched").asBoolean()).isFalse();
        assertThat(request.get("body").get("duration").asInt()).isEqualTo(8);
        assertThat(lines(request))
                .anySatisfy(l -> assertThat(l).startsWith("body /duration [string_type]"))
                .anySatisfy(l -> assertThat(l).startsWith("body /colour [extra_forbidden]"))
                .hasSize(2);

        List<RecordedRequest> inJava = mock.control().contractViolations();
        assertThat(inJava).hasSize(1);
        assertThat(inJava.get(0).violations())
                .extracting(ContractViolation::path)
                .containsExactlyInAnyOrder("/duration", "/colour");
    }

    @Test
    void aWellFormedConversationMatchesAndControlCallsAreNotRecorded() {
        String id = mock.submit(STANDARD, STANDARD_INPUT);
        mock.get("/fal-ai/kling-video/requests/" + id + "/status?logs=1");
        mock.get("/fal-ai/kling-video/requests/" + id + "/status?logs=true");
        mock.get("/" + STANDARD + "/requests/" + id + "/status");
        mock.put("/fal-ai/kling-video/requests/" + id + "/cancel", null);
        mock.get("/fal-ai/kling-video/requests/" + id);
        mock.get("/_mock/jobs");

        JsonNode report = mock.get("/_mock/requests").json();
        assertThat(report.get("total").asInt()).isEqualTo(6);
        assertThat(report.get("violating").asInt()).as(report.toString()).isZero();
        List<String> calls = new ArrayList<>();
        report.get("requests").forEach(r -> calls.add(r.get("call").asText()));
        assertThat(calls).containsExactly("submit", "status", "status", "status", "cancel", "result");
        assertThat(report.get("requests").get(0).get("request_id").asText()).isEqualTo(id);
    }

    @Test
    void pathMethodHeadersAndQueryAreCheckedAgainstTheDocuments() {
        mock.post("/fal-ai/kling-video/o3/lite/image-to-video", STANDARD_INPUT);
        mock.get("/" + STANDARD);
        mock.post("/" + STANDARD, STANDARD_INPUT, "Authorization", "Bearer abc");
        mock.post(
                "/" + STANDARD + "?fal_max_queue_length=two&priority=1",
                STANDARD_INPUT,
                "x-fal-queue-priority",
                "high");
        mock.send("POST", "/" + STANDARD, "{not json", "Content-Type", "text/plain");

        List<RecordedRequest> requests = mock.control().requests();
        assertThat(requests).hasSize(5).noneMatch(RecordedRequest::matched);
        assertThat(requests.get(0).call()).isEqualTo("unknown");
        assertThat(requests.get(0).violations().get(0).where()).isEqualTo("path");
        assertThat(requests.get(1).violations().get(0).where()).isEqualTo("method");
        assertThat(requests.get(1).violations().get(0).allowed()).isEqualTo("POST");
        assertThat(requests.get(2).violations()).singleElement().satisfies(v -> assertThat(v.toString())
                .contains("Authorization", "'Bearer'"));
        assertThat(requests.get(3).violations())
                .extracting(v -> v.where() + " " + v.path() + " " + v.type())
                .containsExactlyInAnyOrder(
                        "query fal_max_queue_length int_parsing",
                        "query priority extra_forbidden",
                        "header x-fal-queue-priority enum");
        assertThat(requests.get(4).violations())
                .extracting(v -> v.where() + " " + v.path() + " " + v.type())
                .contains("header Content-Type value_error", "body  json_invalid");
    }

    @Test
    void resetForgetsTheRecordAndOnlyViolationsFilters() {
        mock.submit(STANDARD, STANDARD_INPUT);
        mock.post("/" + STANDARD, "{\"prompt\":\"x\"}");
        JsonNode only = mock.get("/_mock/requests?only=violations").json();
        assertThat(only.get("total").asInt()).isEqualTo(2);
        assertThat(only.get("requests")).hasSize(1);
        assertThat(only.get("requests")
                        .get(0)
                        .get("violations")
                        .get(0)
                        .get("path")
                        .asText())
                .isEqualTo("/image_url");
        mock.post("/_mock/reset", null);
        assertThat(mock.control().requests()).isEmpty();
        mock.submit(STANDARD, STANDARD_INPUT);
        assertThat(mock.control().requests().get(0).seq()).isEqualTo(1);
    }

    private static List<String> lines(JsonNode request) {
        List<String> out = new ArrayList<>();
        request.get("violations")
                .forEach(v -> out.add(v.get("where").asText() + " "
                        + v.get("path").asText() + " [" + v.get("type").asText() + "] "
                        + v.get("problem").asText()));
        return out;
    }
}
