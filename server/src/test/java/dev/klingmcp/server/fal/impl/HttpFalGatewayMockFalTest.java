package dev.klingmcp.server.fal.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.config.FalKey;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.config.ServerConfigLoader;
import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway;
import dev.klingmcp.server.fal.FalOutput;
import dev.klingmcp.server.fal.FalStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway against the real mock-fal (manual clock): the generated client must speak fal's protocol as the mock does. */
class HttpFalGatewayMockFalTest {

    static final String KEY = "gateway-test-id:gateway-test-secret-42";
    static final FalEndpoint STANDARD = FalEndpoints.load().require("o3/standard/image-to-video");
    static MockFal mock;
    static Path storage;

    @TempDir
    Path dir;

    HttpFalGateway gateway;
    final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void startMock() throws Exception {
        storage = Files.createDirectories(Path.of("target", "mock-fal-gateway-storage"));
        mock = MockFal.start(new MockFalOptions()
                .setManualClock(true)
                .setSeed(7)
                .setLogRequests(false)
                .setStorageDir(storage)
                .addApiKey(KEY));
    }

    @AfterAll
    static void stopMock() {
        mock.close();
    }

    @BeforeEach
    void open() {
        mock.control().reset();
        ServerConfig config = new ServerConfigLoader()
                .env(Map.of())
                .workingDir(dir)
                .home(dir)
                .load()
                .withFalBaseUrl(java.net.URI.create(mock.baseUrl()))
                .withFalKey(FalKey.of(KEY))
                .withRetry(new ServerConfig.Retry(4, Duration.ofMillis(1), Duration.ofMillis(20)));
        gateway = new HttpFalGateway(config);
    }

    @AfterEach
    void close() {
        gateway.close();
    }

    private ObjectNode standardInput() {
        ObjectNode in = json.createObjectNode();
        in.put("prompt", "a cat walks along a wall");
        in.put("image_url", "https://example.com/cat.png");
        in.put("duration", "3");
        return in;
    }

    @Test
    void submitStreamResultAndDownloadAVideo() throws Exception {
        FalStatus submitted = gateway.submit(STANDARD, standardInput(), null);
        assertThat(submitted.requestId()).isNotBlank();
        String id = submitted.requestId();
        assertThat(gateway.status(STANDARD, id, true).state()).isEqualTo(FalStatus.State.IN_QUEUE);

        List<FalStatus> events = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<FalGateway.StreamEnd> end =
                    pool.submit(() -> gateway.streamStatus(STANDARD, id, Duration.ofSeconds(30), events::add));
            await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
            for (int i = 0; i < 20 && !end.isDone(); i++) {
                mock.control().advanceClock(Duration.ofSeconds(10));
                Thread.sleep(20);
            }
            assertThat(end.get(10, TimeUnit.SECONDS)).isEqualTo(FalGateway.StreamEnd.COMPLETED);
        } finally {
            pool.shutdownNow();
        }
        assertThat(events.get(events.size() - 1).state()).isEqualTo(FalStatus.State.COMPLETED);
        assertThat(events).extracting(FalStatus::state).contains(FalStatus.State.IN_PROGRESS);

        FalOutput out = gateway.result(STANDARD, id);
        assertThat(out.video().getUrl()).startsWith(mock.baseUrl());
        assertThat(out.raw().path("video").path("content_type").asText()).isEqualTo("video/mp4");

        FalGateway.DownloadedFile file = gateway.download(out.video().getUrl(), dir.resolve("videos/out.mp4"));
        byte[] head = new byte[12];
        try (var in = Files.newInputStream(file.path())) {
            assertThat(in.read(head)).isEqualTo(12);
        }
        assertThat(new String(head, 4, 4, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("ftyp");
        assertThat(file.size()).isEqualTo(Files.size(file.path()));
        if (out.video().getFileSize() != null) {
            assertThat(file.size()).isEqualTo(out.video().getFileSize().longValue());
        }
    }

    @Test
    void cancelWhileQueuedAfterCompletionAndForAnUnknownId() {
        String queued = gateway.submit(STANDARD, standardInput(), null).requestId();
        assertThat(gateway.cancel(STANDARD, queued)).isEqualTo(FalGateway.FalCancel.CANCELLATION_REQUESTED);

        String done = gateway.submit(STANDARD, standardInput(), null).requestId();
        mock.control().advanceClock(Duration.ofMinutes(10));
        assertThat(gateway.status(STANDARD, done, false).state()).isEqualTo(FalStatus.State.COMPLETED);
        assertThat(gateway.cancel(STANDARD, done)).isEqualTo(FalGateway.FalCancel.ALREADY_COMPLETED);

        assertThat(gateway.cancel(STANDARD, "019fd35a-0000-7000-8000-000000000000"))
                .isEqualTo(FalGateway.FalCancel.NOT_FOUND);
    }

    @Test
    void ingressErrorsOnSubmitAreRetriedAndTheMockSeesOneAcceptedJob() {
        mock.control().setFaults(FaultPlan.parse("submit=503x2"));
        gateway.submit(STANDARD, standardInput(), null);
        var count = mock.control().submits().get(STANDARD.id());
        assertThat(count.attempts()).isEqualTo(3);
        assertThat(count.accepted()).isEqualTo(1);
    }

    @Test
    void aServerErrorOrAResetOnSubmitIsNotRetried() {
        mock.control().setFaults(FaultPlan.parse("submit=500"));
        assertThatThrownBy(() -> gateway.submit(STANDARD, standardInput(), null))
                .isInstanceOf(FalException.class);
        mock.control().setFaults(FaultPlan.parse("submit=reset"));
        assertThatThrownBy(() -> gateway.submit(STANDARD, standardInput(), null))
                .isInstanceOf(FalException.class)
                .satisfies(e -> assertThat(((FalException) e).kind()).isEqualTo(FalException.Kind.IO));
        assertThat(mock.control().submits().get(STANDARD.id()).attempts()).isEqualTo(2);
    }

    @Test
    void statusFaultsAreRetried() {
        String id = gateway.submit(STANDARD, standardInput(), null).requestId();
        mock.control().setFaults(FaultPlan.parse("status=503x2,status=reset"));
        assertThat(gateway.status(STANDARD, id, true).requestId()).isEqualTo(id);
    }

    @Test
    void aWrongKeyIsReportedWithoutTheKey() {
        ServerConfig bad = new ServerConfigLoader()
                .env(Map.of())
                .workingDir(dir)
                .home(dir)
                .load()
                .withFalBaseUrl(java.net.URI.create(mock.baseUrl()))
                .withFalKey(FalKey.of("wrong-key-id:wrong-secret-value"));
        try (HttpFalGateway g = new HttpFalGateway(bad)) {
            assertThatThrownBy(() -> g.submit(STANDARD, standardInput(), null))
                    .isInstanceOf(FalException.class)
                    .satisfies(e -> {
                        assertThat(((FalException) e).status()).isIn(401, 403);
                        assertThat(e.getMessage())
                                .doesNotContain("wrong-secret-value")
                                .doesNotContain("wrong-key-id");
                    });
        }
    }
}
