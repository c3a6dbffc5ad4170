package dev.klingmcp.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.mock.webhook.WebhookSigner;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.auth.Authenticator;
import dev.klingmcp.server.config.FalKey;
import dev.klingmcp.server.config.HttpSettings;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.config.ServerConfigLoader;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.SubmitCommand;
import dev.klingmcp.server.jobs.impl.DefaultJobService;
import dev.klingmcp.server.mcp.KlingMcpServer;
import dev.klingmcp.server.testing.HttpTestClient;
import dev.klingmcp.server.transport.StreamableHttpServer;
import dev.klingmcp.testing.webhook.FalWebhookPost;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * fal webhooks instead of polling: with a public URL the server hands fal its own webhook URL, mock-fal calls it with
 * an Ed25519-signed delivery exactly as fal does, and the job settles in the ledger without one status poll. Forged,
 * stale, replayed and mismatched deliveries change nothing.
 */
@Timeout(90)
class FalWebhookFlowTest {

    static final String KEY = "webhook-test-id:webhook-test-secret";

    static final long SEED = 4242;

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private MockFal mock;

    private DefaultJobService jobs;

    private StreamableHttpServer http;

    private KlingMcpServer server;

    private McpSyncClient client;

    private final HttpClient raw = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        mock = MockFal.start(new MockFalOptions()
                .setSpeed(1000)
                .setSeed(SEED)
                .setLogRequests(false)
                .setStorageDir(Files.createDirectories(tmp.resolve("mock-storage")))
                .addApiKey(KEY));
        ServerConfig config = new ServerConfigLoader()
                .env(Map.of())
                .workingDir(tmp)
                .home(tmp)
                .load()
                .withFalBaseUrl(URI.create(mock.baseUrl()))
                .withFalKey(FalKey.of(KEY))
                .withLedgerUrl("jdbc:sqlite:" + tmp.resolve("jobs.db"))
                .withOutputDir(tmp.resolve("videos"));
        jobs = DefaultJobService.open(config);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path tokens = tmp.resolve("tokens");
        Files.writeString(tokens, "alice-token alice video:read,video:generate\n");
        HttpSettings.Auth auth = new HttpSettings.Auth(null, null, null, tokens);
        HttpSettings settings =
                HttpSettings.loopback().withAuth(auth).withPublicUrl(URI.create("http://127.0.0.1:" + port + "/mcp"));
        http = StreamableHttpServer.create(port, settings, Authenticator.from(auth));
        http.receiveFalWebhooks(new FalWebhookServlet(
                new FalWebhookVerifier(URI.create(mock.baseUrl() + "/.well-known/jwks.json"), Clock.systemUTC()),
                jobs));
        server = KlingMcpServer.start(http, jobs, config.falKey()::redact, "test");
        http.start();
        client = HttpTestClient.mcpClient(port, "alice-token")
                .requestTimeout(Duration.ofSeconds(30))
                .build();
        client.initialize();
    }

    @AfterEach
    void stop() {
        client.closeGracefully();
        server.close();
        http.close();
        jobs.close();
        mock.close();
    }

    @Test
    void aJobCompletesThroughTheSignedCallbackWithZeroStatusPolls() {
        CallToolResult generated = client.callTool(CallToolRequest.builder("generate")
                .arguments(Map.of("model", "o3/pro/reference-to-video", "prompt", "a cat"))
                .build());
        assertThat(generated.isError())
                .as(String.valueOf(generated.structuredContent()))
                .isFalse();
        String jobId = ((Map<?, ?>) generated.structuredContent()).get("job_id").toString();
        assertThat(mock.control().job(jobId).orElseThrow().webhookUrl()).endsWith("/fal/webhook");

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> jobs.find(jobId).orElseThrow().state() == JobState.SUCCEEDED);
        CallToolResult result = client.callTool(CallToolRequest.builder("result")
                .arguments(Map.of("job_id", jobId))
                .build());
        assertThat(result.isError()).isFalse();
        assertThat(String.valueOf(result.structuredContent())).contains("video/mp4");

        Map<String, Long> calls = mock.control().queueCalls();
        assertThat(calls).containsEntry("SUBMIT", 1L);
        assertThat(calls.getOrDefault("STATUS", 0L) + calls.getOrDefault("STREAM", 0L))
                .as("status polls after submit")
                .isZero();
        assertThat(calls.getOrDefault("RESULT", 0L)).isZero();
    }

    @Test
    void forgedStaleMismatchedAndReplayedCallbacksChangeNothing() throws Exception {
        // A job fal knows but whose end nobody reported (submitted without a webhook, and nobody polls it).
        ObjectNode input = JSON.createObjectNode().put("prompt", "a dog");
        String jobId = jobs.submit(SubmitCommand.of(FalEndpoints.load().require("o3/pro/reference-to-video"), input))
                .job()
                .jobId();
        assertThat(jobs.find(jobId).orElseThrow().state()).isIn(JobState.QUEUED, JobState.RUNNING);
        byte[] body = ("{\"request_id\":\"" + jobId + "\",\"gateway_request_id\":\"" + jobId + "\",\"status\":\"OK\","
                        + "\"payload\":{\"video\":{\"url\":\"https://example.com/v.mp4\",\"content_type\":\"video/mp4\","
                        + "\"file_name\":\"v.mp4\",\"file_size\":1}}}")
                .getBytes(StandardCharsets.UTF_8);
        long now = System.currentTimeMillis() / 1000;
        WebhookSigner fal = WebhookSigner.fromSeed(SEED);
        WebhookSigner forger = WebhookSigner.fromSeed(SEED + 1);

        assertThat(post(jobId, now, forger.sign(jobId, "user", now, body), body))
                .isEqualTo(401);
        long stale = now - 600;
        assertThat(post(jobId, stale, fal.sign(jobId, "user", stale, body), body))
                .isEqualTo(401);
        byte[] other = new String(body, StandardCharsets.UTF_8)
                .replace("\"request_id\":\"" + jobId, "\"request_id\":\"someone-else")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(post(jobId, now, fal.sign(jobId, "user", now, other), other)).isEqualTo(400);
        assertThat(jobs.find(jobId).orElseThrow().state()).isIn(JobState.QUEUED, JobState.RUNNING);

        String genuine = fal.sign(jobId, "user", now, body);
        assertThat(post(jobId, now, genuine, body)).isEqualTo(200);
        assertThat(jobs.find(jobId).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        int historyBefore = jobs.find(jobId).orElseThrow().history().size();
        assertThat(post(jobId, now, genuine, body)).isEqualTo(401);
        assertThat(jobs.find(jobId).orElseThrow().history()).hasSize(historyBefore);
    }

    private int post(String requestId, long timestamp, String signature, byte[] body) throws Exception {
        HttpResponse<String> r = raw.send(
                FalWebhookPost.to(URI.create(http.falWebhookUrl()), requestId, "user", timestamp, signature, body)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).doesNotContain("at java.");
        return r.statusCode();
    }
}
