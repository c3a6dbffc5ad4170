package dev.klingmcp.testing.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
                    .timeout(Duration.ofSeconds(1))
                    .POST(HttpRequest.BodyPublishers.ofString("x"))
                    .build();

            assertThatThrownBy(() -> HTTP.send(request, HttpResponse.BodyHandlers.discarding()))
                    .isInstanceOf(HttpTimeoutException.class);
            // the client may give up before the receiver's thread has read the body: wait for it, bounded
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (receiver.deliveries().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(receiver.deliveries()).singleElement().satisfies(d -> assertThat(d.path())
                    .isEqualTo("/silent"));
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
