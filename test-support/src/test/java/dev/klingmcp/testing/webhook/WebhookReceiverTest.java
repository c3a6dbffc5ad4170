package dev.klingmcp.testing.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WebhookReceiverTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void recordsEachPostAndAnswersTheScriptThenTheDefault() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.answer(500, 503);

            assertThat(post(receiver.url("/hook"), "a")).isEqualTo(500);
            assertThat(post(receiver.url("/hook"), "b")).isEqualTo(503);
            assertThat(post(receiver.url("/hook"), "c")).isEqualTo(200);
            receiver.answerWith(410);
            assertThat(post(receiver.url("/other"), "d")).isEqualTo(410);

            assertThat(receiver.deliveries())
                    .extracting(d -> new String(d.body(), StandardCharsets.UTF_8))
                    .containsExactly("a", "b", "c", "d");
            WebhookReceiver.Delivery last = receiver.deliveries().get(3);
            assertThat(last.path()).isEqualTo("/other");
            assertThat(last.header("X-Test-Header")).isEqualTo("d");
        }
    }

    @Test
    void aSilentPathRecordsButNeverAnswers() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.silentAt("/silent");
            HttpRequest request = HttpRequest.newBuilder(URI.create(receiver.url("/silent")))
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString("x"))
                    .build();

            CompletableFuture<HttpResponse<Void>> answer =
                    HTTP.sendAsync(request, HttpResponse.BodyHandlers.discarding());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (receiver.deliveries().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            assertThat(receiver.deliveries()).singleElement().satisfies(d -> assertThat(d.path())
                    .isEqualTo("/silent"));
            Thread.sleep(200);
            assertThat(answer).as("no answer while the receiver is open").isNotDone();
            answer.cancel(true);
        }
    }

    private static int post(String url, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("X-Test-Header", body)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
