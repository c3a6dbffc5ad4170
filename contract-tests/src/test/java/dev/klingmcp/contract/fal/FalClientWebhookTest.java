package dev.klingmcp.contract.fal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.klingmcp.openapi.SchemaDeriver;
import dev.klingmcp.testing.webhook.FalWebhookSignature;
import dev.klingmcp.testing.webhook.WebhookReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code queue.submit} with a {@code webhookUrl} from fal's JS client; the webhook lands on the test's own receiver
 * and is checked the way a fal customer would: Ed25519 signature verified with the JDK against the mock's JWKS,
 * body shape, payload valid against the endpoint's output schema (success) or a 422 detail (failure), and retries
 * on a non-2xx answer, each signed again.
 */
class FalClientWebhookTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final FalClientBench bench = FalClientBench.fast();

    private static WebhookReceiver receiver;
    private static List<PublicKey> keys;

    @BeforeAll
    static void start() throws Exception {
        receiver = WebhookReceiver.start();
        HttpResponse<String> jwks = HTTP.send(
                HttpRequest.newBuilder(URI.create(bench.baseUrl() + "/.well-known/jwks.json"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        keys = FalWebhookSignature.keysOf(JSON.readTree(jwks.body()));
        assertThat(keys).isNotEmpty();
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    /** Submits through the JS client with a per-request webhook path, waits for {@code count} deliveries there. */
    private static List<WebhookReceiver.Delivery> submitAndAwait(SeedExample example, String hookPath, int count) {
        JsonNode out = bench.script("submit.mjs", example)
                .arg("webhook", receiver.url(hookPath))
                .run();
        String requestId = out.path("submitted").path("request_id").asText();
        assertThat(requestId).isNotBlank();
        List<WebhookReceiver.Delivery> deliveries = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> receiver.deliveries().stream()
                                .filter(d -> d.path().equals(hookPath))
                                .toList(),
                        list -> list.size() >= count);
        deliveries.forEach(delivery ->
                assertThat(delivery.header("x-fal-webhook-request-id")).isEqualTo(requestId));
        return deliveries;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.klingmcp.contract.fal.SeedExample#onePerEndpoint")
    void successWebhookIsSignedAndCarriesTheOutput(SeedExample example) throws Exception {
        WebhookReceiver.Delivery delivery =
                submitAndAwait(example, "/ok/" + example.name(), 1).get(0);

        assertThat(FalWebhookSignature.verify(keys, delivery, Instant.now().getEpochSecond()))
                .isTrue();
        JsonNode body = JSON.readTree(delivery.body());
        assertThat(body.path("request_id").asText()).isEqualTo(delivery.header("x-fal-webhook-request-id"));
        assertThat(body.path("gateway_request_id").asText()).isNotBlank();
        assertThat(body.path("status").asText()).isEqualTo("OK");
        assertThat(body.path("error").isNull()).as("%s", body).isTrue();
        var outputSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaDeriver.outputSchema(example.endpoint()));
        assertThat(outputSchema.validate(body.path("payload")))
                .as("payload %s", body.path("payload"))
                .isEmpty();
        assertThat(body.path("payload").path("video").path("content_type").asText())
                .isEqualTo("video/mp4");

        // The verifier is not a rubber stamp: one changed body byte, a stale timestamp or a wrong user all fail.
        byte[] tampered = delivery.body().clone();
        tampered[tampered.length / 2] ^= 1;
        assertThat(FalWebhookSignature.verify(
                        keys,
                        new WebhookReceiver.Delivery(delivery.path(), delivery.headers(), tampered),
                        Instant.now().getEpochSecond()))
                .isFalse();
        assertThat(FalWebhookSignature.verify(keys, delivery, Instant.now().getEpochSecond() + 3600))
                .isFalse();
        Map<String, String> otherUser = new HashMap<>(delivery.headers());
        otherUser.put("x-fal-webhook-user-id", "someone-else");
        assertThat(FalWebhookSignature.verify(
                        keys,
                        new WebhookReceiver.Delivery(delivery.path(), otherUser, delivery.body()),
                        Instant.now().getEpochSecond()))
                .isFalse();
    }

    @Test
    void invalidInputWebhookIsAnErrorWithTheValidationDetail() throws Exception {
        SeedExample rejected = SeedExample.rejectedOnes().findFirst().orElseThrow();
        WebhookReceiver.Delivery delivery =
                submitAndAwait(rejected, "/error/" + rejected.name(), 1).get(0);

        assertThat(FalWebhookSignature.verify(keys, delivery, Instant.now().getEpochSecond()))
                .isTrue();
        JsonNode body = JSON.readTree(delivery.body());
        assertThat(body.path("status").asText()).isEqualTo("ERROR");
        assertThat(body.path("error").asText()).isNotBlank();
        JsonNode detail = body.path("payload").path("detail");
        assertThat(detail.isArray() && !detail.isEmpty()).as("%s", body).isTrue();
        assertThat(detail.get(0).path("loc").get(0).asText()).isEqualTo("body");
    }

    @Test
    void aFailedDeliveryIsRetriedAndEveryAttemptIsSigned() throws Exception {
        SeedExample example = SeedExample.onePerEndpoint().findFirst().orElseThrow();
        receiver.answerWith(500);
        try {
            List<WebhookReceiver.Delivery> attempts = submitAndAwait(example, "/retry", 2);
            for (WebhookReceiver.Delivery attempt : attempts) {
                assertThat(FalWebhookSignature.verify(
                                keys, attempt, Instant.now().getEpochSecond()))
                        .isTrue();
            }
            assertThat(JSON.readTree(attempts.get(1).body()))
                    .isEqualTo(JSON.readTree(attempts.get(0).body()));
        } finally {
            receiver.answerWith(200);
        }
    }
}
