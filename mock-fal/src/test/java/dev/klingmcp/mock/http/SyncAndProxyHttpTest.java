package dev.klingmcp.mock.http;

import static dev.klingmcp.mock.MockFalHarness.KEY;
import static dev.klingmcp.mock.MockFalHarness.STANDARD;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_INPUT;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_QUEUE;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_RUN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.mock.MockFalHarness;
import dev.klingmcp.mock.MockFalHarness.Response;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SyncAndProxyHttpTest {

    @RegisterExtension
    static final MockFalHarness mock = MockFalHarness.perClass();

    private static CompletableFuture<HttpResponse<String>> postAsync(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(mock.uri(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Key " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(STANDARD_INPUT));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return mock.http().sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void syncRunBlocksUntilTheJobCompletesThenAnswersTheOutput() throws Exception {
        String[][] calls = {{"/_sync/" + STANDARD}, {"/" + STANDARD, CallTarget.TARGET_HOST_HEADER, "fal.run"}};
        for (String[] call : calls) {
            int before = mock.control().jobs().size();
            CompletableFuture<HttpResponse<String>> pending =
                    postAsync(call[0], java.util.Arrays.copyOfRange(call, 1, call.length));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> mock.control().jobs().size() > before);
            assertThat(pending).isNotDone();
            mock.advance(STANDARD_QUEUE + STANDARD_RUN);
            HttpResponse<String> done = pending.get();
            assertThat(done.statusCode()).isEqualTo(200);
            assertThat(new ObjectMapper()
                            .readTree(done.body())
                            .get("video")
                            .get("url")
                            .asText())
                    .contains("/cdn/");
            assertThat(done.headers().firstValue("x-fal-request-id")).isPresent();
        }
        assertThat(mock.control().submits().get(STANDARD).attempts()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theProxyEntryDispatchesOnTheTargetUrl() {
        Response submitted =
                mock.post("/api/fal/proxy", STANDARD_INPUT, "x-fal-target-url", "https://queue.fal.run/" + STANDARD);
        assertThat(submitted.status()).isEqualTo(200);
        String id = submitted.json().get("request_id").asText();
        Response status = mock.get(
                "/api/fal/proxy",
                "x-fal-target-url",
                "https://queue.fal.run/fal-ai/kling-video/requests/" + id + "/status?logs=1");
        assertThat(status.status()).isEqualTo(202);
        assertThat(status.json().get("request_id").asText()).isEqualTo(id);

        Response jwks = mock.get("/api/fal/proxy", "x-fal-target-url", "https://rest.fal.ai/.well-known/jwks.json");
        assertThat(jwks.status()).isEqualTo(200);
        assertThat(jwks.body()).contains("Ed25519");
    }

    @Test
    void theProxyRefusesMissingOrForeignTargets() {
        assertThat(mock.get("/api/fal/proxy").status()).isEqualTo(400);
        Response foreign = mock.get("/api/fal/proxy", "x-fal-target-url", "https://evil.example.com/steal");
        assertThat(foreign.status()).isEqualTo(412);
        assertThat(foreign.json().get("detail").asText()).contains("fal host");
    }
}
