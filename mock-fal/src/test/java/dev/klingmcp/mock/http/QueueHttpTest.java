package dev.klingmcp.mock.http;

import static dev.klingmcp.mock.MockFalHarness.PRO;
import static dev.klingmcp.mock.MockFalHarness.PRO_INPUT;
import static dev.klingmcp.mock.MockFalHarness.PRO_QUEUE;
import static dev.klingmcp.mock.MockFalHarness.PRO_RUN;
import static dev.klingmcp.mock.MockFalHarness.STANDARD;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_INPUT;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_QUEUE;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_RUN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.MockFalHarness;
import dev.klingmcp.mock.MockFalHarness.Response;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueueHttpTest {

    @RegisterExtension
    static final MockFalHarness mock = MockFalHarness.perClass();

    @Test
    void submitAnswersTheFullEnvelopeWithAbsoluteUrlsBackToTheMock() {
        Response r = mock.post("/" + PRO, PRO_INPUT);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = r.json();
        String id = body.get("request_id").asText();
        assertThat(r.header("x-fal-request-id")).isEqualTo(id);
        String base = mock.fal().baseUrl() + "/fal-ai/kling-video/requests/" + id;
        assertThat(body.get("status").asText()).isEqualTo("IN_QUEUE");
        assertThat(body.get("response_url").asText()).isEqualTo(base);
        assertThat(body.get("status_url").asText()).isEqualTo(base + "/status");
        assertThat(body.get("cancel_url").asText()).isEqualTo(base + "/cancel");
        assertThat(body.get("queue_position").isInt()).isTrue();
    }

    @Test
    void statusIs202WhileQueuedAndRunningThen200WithMetricsOnCompletion() {
        String id = mock.submit(STANDARD, STANDARD_INPUT);
        String status = "/fal-ai/kling-video/requests/" + id + "/status?logs=1";

        Response queued = mock.get(status);
        assertThat(queued.status()).isEqualTo(202);
        assertThat(queued.json().get("status").asText()).isEqualTo("IN_QUEUE");
        assertThat(queued.json().has("queue_position")).isTrue();

        mock.advance(STANDARD_QUEUE);
        Response running = mock.get(status);
        assertThat(running.status()).isEqualTo(202);
        assertThat(running.json().get("status").asText()).isEqualTo("IN_PROGRESS");
        JsonNode log = running.json().get("logs").get(0);
        assertThat(log.fieldNames()).toIterable().containsExactly("message", "level", "source", "timestamp");
        assertThat(log.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");

        mock.advance(STANDARD_RUN);
        Response done = mock.get(status);
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.json().get("status").asText()).isEqualTo("COMPLETED");
        assertThat(done.json().get("metrics").get("inference_time").asDouble()).isEqualTo(STANDARD_RUN);
        assertThat(done.json().has("error")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/fal-ai/kling-video/requests/%s/status",
                "/fal-ai/kling-video/requests/%s/status/",
                "/fal-ai/kling-video/o3/standard/image-to-video/requests/%s/status",
                "/fal-ai/kling-video/o3/standard/image-to-video/requests/%s/status/"
            })
    void bothPathFormsAndTrailingSlashesReachTheSameRequest(String template) {
        String id = mock.submit(STANDARD, STANDARD_INPUT);
        Response r = mock.get(template.formatted(id));
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("request_id").asText()).isEqualTo(id);
    }

    @Test
    void aFullPathOfAnotherEndpointDoesNotFindTheRequest() {
        String id = mock.submit(STANDARD, STANDARD_INPUT);
        Response r = mock.get("/" + PRO + "/requests/" + id + "/status");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("x-fal-request-id")).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "true", "TRUE"})
    void logsOnAcceptsOneAndTrue(String value) {
        String id = mock.submit(STANDARD, STANDARD_INPUT);
        mock.advance(STANDARD_QUEUE);
        assertThat(mock.get("/fal-ai/kling-video/requests/" + id + "/status?logs=" + value)
                        .json()
                        .get("logs")
                        .isArray())
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"?logs=0", "?logs=false", ""})
    void logsOffAnswersNullLogs(String query) {
        String id = mock.submit(STANDARD, STANDARD_INPUT);
        mock.advance(STANDARD_QUEUE);
        assertThat(mock.get("/fal-ai/kling-video/requests/" + id + "/status" + query)
                        .json()
                        .get("logs")
                        .isNull())
                .isTrue();
    }

    @Test
    void anUnreadableLogsFlagIsABadRequest() {
        String id = mock.submit(STANDARD, STANDARD_INPUT);
        Response r = mock.get("/fal-ai/kling-video/requests/" + id + "/status?logs=maybe");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asText()).contains("0, 1, true or false");
    }

    @Test
    void resultIsTheRawOutputWithADownloadableVideoOnTheMocksCdn() throws Exception {
        String id = mock.submit(PRO, PRO_INPUT);
        Response early = mock.get("/fal-ai/kling-video/requests/" + id);
        assertThat(early.status()).isEqualTo(400);

        mock.advance(PRO_QUEUE + PRO_RUN);
        for (String path : new String[] {
            "/fal-ai/kling-video/requests/" + id,
            "/fal-ai/kling-video/requests/" + id + "/response",
            "/" + PRO + "/requests/" + id + "/"
        }) {
            Response r = mock.get(path);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-fal-request-id")).isEqualTo(id);
            JsonNode video = r.json().get("video");
            assertThat(r.json().size()).isEqualTo(1);
            assertThat(video.get("content_type").asText()).isEqualTo("video/mp4");
            assertThat(video.get("file_name").asText()).isEqualTo("output.mp4");
            assertThat(video.get("url").asText())
                    .startsWith(mock.fal().baseUrl() + "/")
                    .contains("3s-9x16");

            HttpResponse<byte[]> mp4 = mock.http()
                    .send(
                            HttpRequest.newBuilder(
                                            java.net.URI.create(video.get("url").asText()))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            assertThat(mp4.statusCode()).isEqualTo(200);
            assertThat((long) mp4.body().length)
                    .isEqualTo(video.get("file_size").asLong());
        }
    }

    @Test
    void invalidInputIsAcceptedThenTheResultAnswers422WithFalStyleDetail() {
        String id = mock.submit(PRO, "{\"prompt\":\"x\",\"multi_prompt\":[{\"prompt\":\"y\"}],\"duration\":\"20\"}");
        mock.advance(PRO_QUEUE);
        Response status = mock.get("/fal-ai/kling-video/requests/" + id + "/status");
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().has("error"))
                .as("a model's 422 only shows on the result")
                .isFalse();

        Response result = mock.get("/fal-ai/kling-video/requests/" + id);
        assertThat(result.status()).isEqualTo(422);
        assertThat(result.header("x-fal-request-id")).isEqualTo(id);
        JsonNode detail = result.json().get("detail");
        assertThat(detail.isArray()).isTrue();
        assertThat(detail).allSatisfy(d -> {
            assertThat(d.get("loc").get(0).asText()).isEqualTo("body");
            assertThat(d.get("msg").asText()).isNotBlank();
            assertThat(d.get("type").asText()).isNotBlank();
        });
        assertThat(detail.findValuesAsText("type")).contains("enum");
        assertThat(detail.toString()).contains("[\"body\",\"duration\"]", "[\"body\",\"multi_prompt\"]");
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedAtOnce() {
        Response r = mock.post("/" + PRO, "{\"prompt\": ");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("detail").get(0).get("type").asText()).isEqualTo("json_invalid");
    }

    @Test
    void unknownPathsGetTheGatewaysNotFound() {
        Response r = mock.post("/fal-ai/kling-video/o3/nope", "{}");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).isEqualTo("Error");
        assertThat(r.json().get("message").asText()).isEqualTo("Path /o3/nope not found");
        assertThat(r.header("x-fal-request-id")).isNotBlank();

        Response other = mock.get("/someone/else/requests/abc/status");
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.json().get("message").asText()).contains("not found");
    }

    @Test
    void unknownRequestIdsAre404() {
        Response status = mock.get("/fal-ai/kling-video/requests/00000000-0000-7000-8000-000000000000/status");
        assertThat(status.status()).isEqualTo(404);
        assertThat(status.header("x-fal-request-id")).isEqualTo("00000000-0000-7000-8000-000000000000");
        assertThat(mock.get("/fal-ai/kling-video/requests/nope").status()).isEqualTo(404);
    }

    @Test
    void theWrongMethodIs405AndNamesTheRightOne() {
        Response r = mock.get("/" + PRO);
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("POST");
    }

    @Test
    void aMalformedPathEscapeIsAJsonBadRequest() throws Exception {
        // java.net.URI refuses to build such a URL, so speak HTTP/1.1 by hand.
        try (java.net.Socket socket = new java.net.Socket(
                dev.klingmcp.testing.http.Loopback.address(), mock.fal().port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("GET /fal-ai/kling-video/requests/%ZZ/status HTTP/1.1\r\nHost: x\r\n"
                                    + "Authorization: Key " + MockFalHarness.KEY + "\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer)
                    .startsWith("HTTP/1.1 400")
                    .containsIgnoringCase("content-type: application/json")
                    .contains("\"detail\"");
        }
    }
}
