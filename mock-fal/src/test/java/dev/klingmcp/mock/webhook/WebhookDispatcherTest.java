package dev.klingmcp.mock.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.mock.media.LocalServer;
import dev.klingmcp.mock.webhook.WebhookDelivery.Outcome;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookDispatcherTest {

    /** DER header of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE { AlgorithmIdentifier 1.3.101.112, BIT STRING }. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private static final ObjectMapper JSON = new ObjectMapper();

    private Vertx vertx;
    private LocalServer server;
    private final WebhookReceiver receiver = new WebhookReceiver();
    private final WebhookSigner signer = WebhookSigner.generate();
    private WebhookDispatcher dispatcher;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = LocalServer.start(vertx, router -> {
            JwksRoutes.mount(router, signer);
            receiver.mount(router);
        });
        // Real schedule shape, 10 000x faster: 15 s becomes 1.5 ms.
        dispatcher = new WebhookDispatcher(
                vertx, signer, WebhookOptions.defaults().withSpeed(10_000).withMaxAttempts(4));
    }

    @AfterEach
    void stop() throws Exception {
        dispatcher.close();
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aReceiverVerifiesTheSignatureWithOnlyTheJwksAndTheJdk() throws Exception {
        JsonNode output = JSON.readTree("{\"video\":{\"url\":\"http://x/output.mp4\",\"content_type\":\"video/mp4\"}}");

        WebhookDelivery delivery =
                await(dispatcher.dispatch(server.baseUrl() + "/hook", WebhookEvent.ok("req-1", output)));

        assertThat(delivery.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(receiver.received).hasSize(1);
        WebhookReceiver.Received post = receiver.received.get(0);
        assertThat(verifies(post, publicKeyFromJwks())).isTrue();
        assertThat(post.headers().get("X-Fal-Webhook-Request-Id")).isEqualTo("req-1");
        assertThat(post.headers().get("X-Fal-Webhook-User-Id")).isEqualTo("mock-user");
        assertThat(post.headers().get("Content-Type")).isEqualTo("application/json");
        long timestamp = Long.parseLong(post.headers().get("X-Fal-Webhook-Timestamp"));
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
        await(dispatcher.dispatch(server.baseUrl() + "/hook", WebhookEvent.ok("req-2", JSON.createObjectNode())));
        WebhookReceiver.Received post = receiver.received.get(0);
        byte[] tampered = new String(post.body(), StandardCharsets.UTF_8)
                .replace("OK", "ERROR")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(verifies(new WebhookReceiver.Received(post.headers(), tampered), publicKeyFromJwks()))
                .isFalse();
        assertThat(verifies(post, rebuild(WebhookSigner.generate().rawPublicKey())))
                .isFalse();
    }

    @Test
    void retriesAfterAServerErrorAndSignsEachAttemptAfresh() throws Exception {
        receiver.answer(500, 503);

        WebhookDelivery delivery = await(dispatcher.dispatch(
                server.baseUrl() + "/hook",
                WebhookEvent.error("req-3", "Invalid status code: 422", JSON.readTree("{\"detail\":[]}"))));

        assertThat(delivery.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(delivery.attempts())
                .extracting(WebhookDelivery.Attempt::statusCode)
                .containsExactly(500, 503, 200);
        assertThat(delivery.attempts().get(0).error()).contains("500");
        assertThat(receiver.received).hasSize(3);
        PublicKey key = publicKeyFromJwks();
        assertThat(receiver.received).allMatch(post -> verifies(post, key));
        JsonNode body = JSON.readTree(receiver.received.get(2).body());
        assertThat(body.get("status").asText()).isEqualTo("ERROR");
        assertThat(body.get("error").asText()).isEqualTo("Invalid status code: 422");
        assertThat(dispatcher.deliveries()).containsExactly(delivery);
    }

    @Test
    void givesUpAfterMaxAttempts() {
        receiver.answer(500, 500, 500, 500, 500);

        WebhookDelivery delivery = await(dispatcher.dispatch(
                server.baseUrl() + "/hook", WebhookEvent.unserializablePayload("req-4", "Invalid status code: 404")));

        assertThat(delivery.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(delivery.attempts()).hasSize(4);
        assertThat(receiver.received).hasSize(4);
        assertThat(new String(receiver.received.get(0).body(), StandardCharsets.UTF_8))
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
                        .withAttemptTimeout(Duration.ofMillis(300)));
        try {
            WebhookDelivery delivery =
                    await(impatient.dispatch(server.baseUrl() + "/silent", WebhookEvent.ok("req-6", null)));

            assertThat(delivery.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(delivery.attempts()).hasSize(2);
            assertThat(receiver.received).hasSize(2);
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
        return rebuild(raw);
    }

    private static PublicKey rebuild(byte[] raw) throws Exception {
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + raw.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    /** fal's documented receiver check, written from the docs rather than from {@link WebhookSigner}. */
    private static boolean verifies(WebhookReceiver.Received post, PublicKey key) {
        try {
            String bodyHash = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(post.body()));
            String message = post.headers().get("X-Fal-Webhook-Request-Id") + "\n"
                    + post.headers().get("X-Fal-Webhook-User-Id") + "\n"
                    + post.headers().get("X-Fal-Webhook-Timestamp") + "\n" + bodyHash;
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(HexFormat.of().parseHex(post.headers().get("X-Fal-Webhook-Signature")));
        } catch (Exception e) {
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
