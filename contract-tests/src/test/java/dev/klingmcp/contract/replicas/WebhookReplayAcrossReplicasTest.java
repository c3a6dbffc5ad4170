package dev.klingmcp.contract.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.mock.webhook.WebhookSigner;
import dev.klingmcp.testing.webhook.FalWebhookPost;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas ({@code serve --http} processes) on one PostgreSQL ledger behind a load balancer that fal's webhooks
 * reach: a signed delivery accepted by one replica and captured and sent again to the other is refused there as a
 * replay, because the record of accepted deliveries is in the shared ledger; a new delivery is still accepted by
 * either.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class WebhookReplayAcrossReplicasTest {

    private static final String FAL_KEY = "replay-contract-key-id:replay-contract-key-secret";

    private static final long SEED = 29;

    @RegisterExtension
    static final ReplicasOnOneLedger replicas = ReplicasOnOneLedger.perClass(
            FAL_KEY, new MockFalOptions().setManualClock(true).setSeed(SEED).setLogRequests(false));

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Replica a;
    Replica b;

    @BeforeAll
    void start() throws IOException {
        // Where the load balancer in front of both replicas is reached: turns webhooks on.
        Map<String, String> behindTheBalancer = Map.of("KLING_MCP_HTTP_PUBLIC_URL", "https://kling.example.com/mcp");
        a = replicas.replica("A", behindTheBalancer, freePort());
        b = replicas.replica("B", behindTheBalancer, freePort());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aDeliveryAcceptedByOneReplicaIsRefusedAsAReplayByTheOther() throws Exception {
        WebhookSigner fal = WebhookSigner.fromSeed(SEED);
        long now = System.currentTimeMillis() / 1000;
        String requestId = "replayed-" + now;
        byte[] body = ("{\"request_id\":\"" + requestId + "\",\"gateway_request_id\":\"" + requestId + "\","
                        + "\"status\":\"ERROR\",\"error\":\"x\",\"payload\":null}")
                .getBytes(StandardCharsets.UTF_8);
        String signature = fal.sign(requestId, "user", now, body);

        HttpResponse<String> first = post(a, requestId, now, signature, body);
        assertThat(first.statusCode()).as("%s", first.body()).isEqualTo(200);
        HttpResponse<String> replayed = post(b, requestId, now, signature, body);
        assertThat(replayed.statusCode())
                .as("the same delivery sent to the other replica: %s", replayed.body())
                .isEqualTo(401);
        assertThat(replayed.body()).contains("replayed");
        assertThat(post(a, requestId, now, signature, body).statusCode())
                .as("and to the first one again")
                .isEqualTo(401);

        String otherId = "fresh-" + now;
        byte[] other = new String(body, StandardCharsets.UTF_8)
                .replace(requestId, otherId)
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> fresh = post(b, otherId, now, fal.sign(otherId, "user", now, other), other);
        assertThat(fresh.statusCode())
                .as("a new delivery is accepted by the other replica: %s", fresh.body())
                .isEqualTo(200);
    }

    private HttpResponse<String> post(Replica replica, String requestId, long timestamp, String signature, byte[] body)
            throws Exception {
        String url = replica.url().replaceFirst("/mcp$", "/fal/webhook");
        return http.send(
                FalWebhookPost.to(URI.create(url), requestId, "user", timestamp, signature, body)
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
