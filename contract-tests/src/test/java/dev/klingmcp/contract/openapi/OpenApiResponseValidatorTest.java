package dev.klingmcp.contract.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The validator must catch what it is there to catch; otherwise "zero invalid responses" proves nothing. */
class OpenApiResponseValidatorTest {

    private static final OpenApiResponseValidator VALIDATOR = OpenApiResponseValidator.forAllDocuments();
    private static final String ID = "019fd35a-6f0c-7b33-b913-f9460e1b6511";
    private static final String STATUS_PATH = "/fal-ai/kling-video/requests/" + ID + "/status";
    private static final Map<String, String> JSON_WITH_ID =
            Map.of("content-type", "application/json", "x-fal-request-id", ID);

    private static RecordedExchange exchange(
            String method, String path, int status, Map<String, String> headers, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new RecordedExchange(method, path, status, headers, bytes, bytes.length);
    }

    @Test
    void acceptsAQueuedStatusOnTheOwnerAppPathAndTheFullSubPath() {
        String body = "{\"status\":\"IN_QUEUE\",\"request_id\":\"" + ID + "\",\"queue_position\":0}";
        assertThat(VALIDATOR.problems(exchange("GET", STATUS_PATH, 202, JSON_WITH_ID, body)))
                .isEmpty();
        assertThat(VALIDATOR.problems(exchange(
                        "GET",
                        "/fal-ai/kling-video/o3/pro/reference-to-video/requests/" + ID + "/status/",
                        202,
                        JSON_WITH_ID,
                        body)))
                .isEmpty();
    }

    @Test
    void rejectsAStatusValueTheSchemaDoesNotAllow() {
        String body = "{\"status\":\"FAILED\",\"request_id\":\"" + ID + "\"}";
        assertThat(VALIDATOR.problems(exchange("GET", STATUS_PATH, 200, JSON_WITH_ID, body)))
                .anySatisfy(problem -> assertThat(problem).contains("/status"));
    }

    @Test
    void rejectsAMissingDocumentedHeader() {
        String body = "{\"status\":\"COMPLETED\",\"request_id\":\"" + ID + "\"}";
        assertThat(VALIDATOR.problems(
                        exchange("GET", STATUS_PATH, 200, Map.of("content-type", "application/json"), body)))
                .anySatisfy(problem -> assertThat(problem).contains("x-fal-request-id is missing"));
    }

    @Test
    void rejectsAnUndocumentedStatusCode() {
        assertThat(VALIDATOR.problems(exchange("GET", STATUS_PATH, 418, JSON_WITH_ID, "{}")))
                .singleElement()
                .asString()
                .contains("status 418 is not documented");
    }

    @Test
    void rejectsAnUndocumentedPathAndMethod() {
        assertThat(VALIDATOR.problems(exchange("GET", "/fal-ai/kling-video/nowhere", 200, JSON_WITH_ID, "{}")))
                .singleElement()
                .asString()
                .startsWith("no documented operation");
        assertThat(VALIDATOR.problems(exchange("DELETE", STATUS_PATH, 200, JSON_WITH_ID, "{}")))
                .singleElement()
                .asString()
                .startsWith("no documented operation");
    }

    @Test
    void rejectsAResultWithoutItsVideo() {
        assertThat(VALIDATOR.problems(exchange(
                        "GET",
                        "/fal-ai/kling-video/requests/" + ID,
                        200,
                        JSON_WITH_ID,
                        "{\"video\":{\"content_type\":\"video/mp4\"}}")))
                .anySatisfy(problem -> assertThat(problem).contains("url"));
        assertThat(VALIDATOR.problems(exchange(
                        "GET",
                        "/fal-ai/kling-video/requests/" + ID,
                        200,
                        JSON_WITH_ID,
                        "{\"video\":{\"url\":\"http://127.0.0.1:1/f.mp4\",\"file_size\":10}}")))
                .isEmpty();
    }

    @Test
    void rejectsABodyThatIsNotJsonOrAnUndocumentedMediaType() {
        assertThat(VALIDATOR.problems(exchange("GET", STATUS_PATH, 200, JSON_WITH_ID, "<html>bad gateway</html>")))
                .singleElement()
                .asString()
                .contains("not JSON");
        assertThat(VALIDATOR.problems(exchange(
                        "GET",
                        STATUS_PATH,
                        200,
                        Map.of("content-type", "text/html", "x-fal-request-id", ID),
                        "<html/>")))
                .singleElement()
                .asString()
                .contains("content type 'text/html' not documented");
    }

    @Test
    void checksEveryEventOfAStatusStreamAndThatItEndsCompleted() {
        Map<String, String> sse = Map.of("content-type", "text/event-stream", "x-fal-request-id", ID);
        String inProgress = "data: {\"status\":\"IN_PROGRESS\",\"request_id\":\"" + ID + "\",\"logs\":[]}\n\n";
        String completed = "data: {\"status\":\"COMPLETED\",\"request_id\":\"" + ID + "\",\"logs\":[]}\n\n";
        String path = STATUS_PATH + "/stream";
        assertThat(VALIDATOR.problems(exchange("GET", path, 200, sse, inProgress + ": ping\n\n" + completed)))
                .isEmpty();
        assertThat(VALIDATOR.problems(exchange("GET", path, 200, sse, inProgress)))
                .singleElement()
                .asString()
                .contains("did not end with a COMPLETED event");
        assertThat(VALIDATOR.problems(exchange("GET", path, 200, sse, "data: {\"status\":\"DONE\"}\n\n" + completed)))
                .isNotEmpty();
    }
}
