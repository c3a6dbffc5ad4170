package dev.klingmcp.mock.http;

import static dev.klingmcp.mock.MockFalHarness.PRO;
import static dev.klingmcp.mock.MockFalHarness.STANDARD;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_INPUT;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_QUEUE;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_RUN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.klingmcp.mock.MockFalHarness;
import dev.klingmcp.mock.MockFalHarness.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Query parameters and headers a submit may carry: fal_max_queue_length, x-fal-request-timeout, fal_webhook. */
class SubmitOptionsHttpTest {

    @RegisterExtension
    static final MockFalHarness mock = MockFalHarness.perClass();

    @Test
    void maxQueueLengthAnswers429OnceThatManyWait() {
        mock.control().reset();
        assertThat(mock.post("/" + PRO + "?fal_max_queue_length=2", "{\"prompt\":\"a\"}")
                        .status())
                .isEqualTo(200);
        assertThat(mock.post("/" + PRO + "?fal_max_queue_length=2", "{\"prompt\":\"b\"}")
                        .status())
                .isEqualTo(200);
        Response full = mock.post("/" + PRO + "?fal_max_queue_length=2", "{\"prompt\":\"c\"}");
        assertThat(full.status()).isEqualTo(429);
        assertThat(full.json().get("detail").asText()).contains("fal_max_queue_length is 2");
        assertThat(mock.post("/" + PRO, "{\"prompt\":\"d\"}").status())
                .as("no limit, no 429")
                .isEqualTo(200);
        assertThat(mock.control().submits().get(PRO).attempts()).isEqualTo(4);
        assertThat(mock.control().submits().get(PRO).accepted()).isEqualTo(3);

        Response bad = mock.post("/" + PRO + "?fal_max_queue_length=lots", "{}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("detail").asText()).contains("fal_max_queue_length");
    }

    @Test
    void aRequestThatDoesNotStartInTimeEndsWith504OfTypeUser() {
        String id = mock.post("/" + STANDARD, STANDARD_INPUT, "x-fal-request-timeout", "5")
                .json()
                .get("request_id")
                .asText();
        mock.advance(5);
        Response status = mock.get("/fal-ai/kling-video/requests/" + id + "/status");
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().get("error_type").asText()).isEqualTo("request_timeout");
        assertThat(status.json().get("error").asText()).isEqualTo("Request timed out");

        Response result = mock.get("/fal-ai/kling-video/requests/" + id);
        assertThat(result.status()).isEqualTo(504);
        assertThat(result.header("X-Fal-Request-Timeout-Type")).isEqualTo("user");
        assertThat(result.header("X-Fal-Error-Type")).isEqualTo("request_timeout");
        assertThat(result.json().get("error_type").asText()).isEqualTo("request_timeout");
    }

    @Test
    void aRequestThatStartsInTimeIsUnaffectedByItsTimeout() {
        String id = mock.post("/" + STANDARD, STANDARD_INPUT, "x-fal-request-timeout", "30.5")
                .json()
                .get("request_id")
                .asText();
        mock.advance(STANDARD_QUEUE + STANDARD_RUN);
        assertThat(mock.get("/fal-ai/kling-video/requests/" + id).status()).isEqualTo(200);
    }

    @Test
    void anUnreadableTimeoutIsABadRequest() {
        for (String value : List.of("soon", "0", "-3", "0.05")) {
            Response r = mock.post("/" + STANDARD, STANDARD_INPUT, "x-fal-request-timeout", value);
            assertThat(r.status()).as(value).isEqualTo(400);
            assertThat(r.json().get("error_type").asText()).isEqualTo("bad_request");
        }
    }

    @Test
    void aWebhookThatIsNotAnHttpUrlIsABadRequest() {
        Response r = mock.post("/" + STANDARD + "?fal_webhook=ftp%3A%2F%2Fx", STANDARD_INPUT);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asText()).contains("fal_webhook");
    }

    @Test
    void theWebhookGetsTheSameOutputAsTheResultOrTheErrorBody() throws Exception {
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        List<Map<String, List<String>>> headers = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(dev.klingmcp.testing.http.Loopback.socket(0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new ObjectMapper().readTree(exchange.getRequestBody().readAllBytes()));
            headers.add(exchange.getRequestHeaders());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String hook = URLEncoder.encode(
                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", StandardCharsets.UTF_8);
            String ok = mock.post("/" + STANDARD + "?fal_webhook=" + hook, STANDARD_INPUT)
                    .json()
                    .get("request_id")
                    .asText();
            String bad = mock.post("/" + STANDARD + "?fal_webhook=" + hook, "{\"prompt\":\"no image\"}")
                    .json()
                    .get("request_id")
                    .asText();
            mock.advance(STANDARD_QUEUE + STANDARD_RUN);
            await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 2);

            JsonNode okHook = received.stream()
                    .filter(h -> h.get("request_id").asText().equals(ok))
                    .findFirst()
                    .orElseThrow();
            assertThat(okHook.get("status").asText()).isEqualTo("OK");
            assertThat(okHook.get("gateway_request_id").asText()).isEqualTo(ok);
            assertThat(okHook.get("payload"))
                    .isEqualTo(mock.get("/fal-ai/kling-video/requests/" + ok).json());

            JsonNode badHook = received.stream()
                    .filter(h -> h.get("request_id").asText().equals(bad))
                    .findFirst()
                    .orElseThrow();
            assertThat(badHook.get("status").asText()).isEqualTo("ERROR");
            assertThat(badHook.get("error").asText()).isEqualTo("Invalid status code: 422");
            assertThat(badHook.get("payload"))
                    .isEqualTo(mock.get("/fal-ai/kling-video/requests/" + bad).json());
            assertThat(headers.get(0)).containsKeys("X-fal-webhook-signature", "X-fal-webhook-timestamp");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void strictModeRejectsAtSubmitAndCreatesNoJob() {
        try (MockFalHarness strict = MockFalHarness.start(o -> o.setStrictValidation(true))) {
            Response r = strict.post(
                    "/" + STANDARD,
                    "{\"prompt\":\"x\",\"image_url\":\"https://e.com/a.png\"," + "\"negative_prompt\":\"blur\"}");
            assertThat(r.status()).isEqualTo(422);
            assertThat(r.json().get("detail").get(0).get("loc").toString()).contains("negative_prompt");
            assertThat(strict.control().jobs()).isEmpty();
            assertThat(strict.post("/" + STANDARD, STANDARD_INPUT).status()).isEqualTo(200);
        }
    }

    @Test
    void unknownFieldsAreIgnoredOutsideStrictModeAsFalDoes() {
        String id = mock.submit(
                STANDARD,
                "{\"prompt\":\"x\",\"image_url\":\"https://e.com/a.png\",\"duration\":\"3\","
                        + "\"negative_prompt\":\"blur\"}");
        mock.advance(STANDARD_QUEUE + STANDARD_RUN);
        assertThat(mock.get("/fal-ai/kling-video/requests/" + id).status()).isEqualTo(200);
    }
}
