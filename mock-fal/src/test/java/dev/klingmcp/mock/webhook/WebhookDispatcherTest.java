package dev.klingmcp.mock.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.mock.media.LocalServer;
import dev.klingmcp.mock.webhook.WebhookDelivery.Outcome;
import dev.klingmcp.testing.webhook.FalWebhookSignature;
import dev.klingmcp.testing.webhook.WebhookReceiver;
import dev.klingmcp.testing.webhook.WebhookReceiver.Delivery;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookDispatcherTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Vertx vertx;
    private LocalServer server;
    private WebhookReceiver receiver;
    private final WebhookSigner signer = WebhookSigner.generate();
    private WebhookDispatcher dispatcher;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = LocalServer.start(vertx, router -> JwksRoutes.mount(router, signer));
        receiver = WebhookReceiver.start();
        receiver.silentAt("/silent");
        // Real schedule shape, 10 000x faster: 15 s becomes 1.5 ms.
        dispatcher = new WebhookDispatcher(
                vertx, signer, WebhookOptions.defaults().withSpeed(10_000).withMaxAttempts(4));
    }

    @AfterEach
    void stop() throws Exception {
        dispatcher.close();
        server.close();
        receiver.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aReceiverVerifiesTheSignatureWithOnlyTheJwksAndTheJdk() throws Exception {
        JsonNode output = JSON.readTree("{\"video\":{\"url\":\"http://x/output.mp4\",\"content_type\":\"video/mp4\"}}");

        WebhookDelivery delivery = await(dispatcher.dispatch(receiver.url("/hook"), WebhookEvent.ok("req-1", output)));

        assertThat(delivery.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(receiver.deliveries()).hasSize(1);
        Delivery post = receiver.deliveries().get(0);
        assertThat(verifies(post, publicKeyFromJwks())).isTrue();
        assertThat(post.header("X-Fal-Webhook-Request-Id")).isEqualTo("req-1");
        assertThat(post.header("X-Fal-Webhook-User-Id")).isEqualTo("mock-user");
        assertThat(post.header("Content-Type")).isEqualTo("application/json");
        long timestamp = Long.parseLong(post.header("X-Fal-Webhook-Timestamp"));
        assertThat(Math.abs(Instant.now().getEpochSecond() - timestamp))
                .as("fal's 300 s skew rule")
                .isLessThan(300);

        JsonNode body = JSON.readTree(post.body());
        assertThat(body.get("request_id").asText()).isEqualTo("req-1");
        assertThat(body.get("gateway_request_id").asText()).isEqualTo("req-1");
        assertThat(body.get("status").asText()).isEqualTo("OK");
        assertThat(body.get("payload")).isEqualTo(output);
        assertThat(body.get("error").isNull()).isTrue();
        assertThat(body.has("payload_error")).isFalse();
    }

    @Test
    void aTamperedBodyOrAnotherKeyDoesNotVerify() throws Exception {
        await(dispatcher.dispatch(receiver.url("/hook"), WebhookEvent.ok("req-2", JSON.createObjectNode())));
        Delivery post = receiver.deliveries().get(0);
        byte[] tampered = new String(post.body(), StandardCharsets.UTF_8)
                .replace("OK", "ERROR")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(verifies(new Delivery(post.path(), post.headers(), tampered), publicKeyFromJwks()))
                .isFalse();
        assertThat(verifies(
                        post,
                        FalWebhookSignature.ed25519Key(WebhookSigner.generate().rawPublicKey())))
                .isFalse();
    }

    @Test
    void retriesAfterAServerErrorAndSignsEachAttemptAfresh() throws Exception {
        receiver.answer(500, 503);

        WebhookDelivery delivery = await(dispatcher.dispatch(
                receiver.url("/hook"),
                WebhookEvent.error("req-3", "Invalid status code: 422", JSON.readTree("{\"detail\":[]}"))));

        assertThat(delivery.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(delivery.attempts())
                .extracting(WebhookDelivery.Attempt::statusCode)
                .containsExactly(500, 503, 200);
        assertThat(delivery.attempts().get(0).error()).contains("500");
        assertThat(receiver.deliveries()).hasSize(3);
        PublicKey key = publicKeyFromJwks();
        assertThat(receiver.deliveries()).allMatch(post -> verifies(post, key));
        JsonNode body = JSON.readTree(receiver.deliveries().get(2).body());
        assertThat(body.get("status").asText()).isEqualTo("ERROR");
        assertThat(body.get("error").asText()).isEqualTo("Invalid status code: 422");
        assertThat(dispatcher.deliveries()).containsExactly(delivery);
    }

    @Test
    void givesUpAfterMaxAttempts() {
        receiver.answer(500, 500, 500, 500, 500);

        WebhookDelivery delivery = await(dispatcher.dispatch(
                receiver.url("/hook"), WebhookEvent.unserializablePayload("req-4", "Invalid status code: 404")));

        assertThat(delivery.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(delivery.attempts()).hasSize(4);
        assertThat(receiver.deliveries()).hasSize(4);
        assertThat(new String(receiver.deliveries().get(0).body(), StandardCharsets.UTF_8))
                .contains("\"payload\":null")
                .contains("\"payload_error\":\"Response payload is not JSON serializable");
    }

    @Test
    void retriesWhenNothingListens() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        WebhookDelivery delivery =
                await(dispatcher.dispatch("http://127.0.0.1:" + closedPort + "/hook", WebhookEvent.ok("req-5", null)));

        assertThat(delivery.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(delivery.attempts()).hasSize(4).allMatch(a -> a.statusCode() == 0 && a.error() != null);
    }

    @Test
    void aSilentReceiverTimesOutEachAttempt() {
        WebhookDispatcher impatient = new WebhookDispatcher(
                vertx,
                signer,
                WebhookOptions.defaults()
                        .withSpeed(10_000)
                        .withMaxAttempts(2)
                        // Long enough that a loaded CI machine still gets each request to the receiver in time.
                        .withAttemptTimeout(Duration.ofMillis(1500)));
        try {
            WebhookDelivery delivery =
                    await(impatient.dispatch(receiver.url("/silent"), WebhookEvent.ok("req-6", null)));

            assertThat(delivery.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(delivery.attempts()).hasSize(2);
            // The receiver records a request when it has read it, which may come a moment after the sender gave up.
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(receiver.deliveries()).hasSize(2));
        } finally {
            impatient.close();
        }
    }

    @Test
    void anInvalidUrlFailsAtOnceWithTheReason() {
        WebhookDelivery delivery = await(dispatcher.dispatch("file:///etc/passwd", WebhookEvent.ok("req-7", null)));

        assertThat(delivery.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(delivery.attempts()).singleElement().satisfies(a -> assertThat(a.error())
                .contains("http(s)"));
    }

    private PublicKey publicKeyFromJwks() throws Exception {
        JsonNode jwks =
                JSON.readTree(server.send(server.request(JwksRoutes.PATH).GET()).body());
        JsonNode key = jwks.get("keys").get(0);
        assertThat(key.get("kty").asText()).isEqualTo("OKP");
        assertThat(key.get("crv").asText()).isEqualTo("Ed25519");
        assertThat(key.get("kid").asText()).isNotBlank();
        byte[] raw = Base64.getUrlDecoder().decode(key.get("x").asText());
        assertThat(raw).hasSize(32);
        return FalWebhookSignature.ed25519Key(raw);
    }

    /** fal's documented receiver check (shared with the contract tests), written from the docs, not from the signer. */
    private static boolean verifies(Delivery post, PublicKey key) {
        try {
            return FalWebhookSignature.verify(List.of(key), post, Instant.now().getEpochSecond());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
