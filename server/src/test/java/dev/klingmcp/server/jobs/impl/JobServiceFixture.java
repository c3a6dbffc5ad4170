package dev.klingmcp.server.jobs.impl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.fal.impl.HttpFalGateway;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.StatusListener;
import dev.klingmcp.server.ledger.JdbcJobLedger;
import dev.klingmcp.server.ledger.MutableClock;
import dev.klingmcp.server.testing.MockFalConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded mock-fal (manual clock), and services over a ledger file in a temp folder. Either started on a folder
 * by the test ({@code new JobServiceFixture(dir)}, closed by it), or shared by a test class as a static
 * {@code @RegisterExtension} field ({@link #perClass()}): then it starts before the class's first test, resets the
 * mock before each test, closes the services {@link #openForTest()} gave out after each, and stops after the last.
 */
final class JobServiceFixture
        implements AutoCloseable, BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    static final String KEY = "service-test-id:service-test-secret-77";
    static final FalEndpoints REGISTRY = FalEndpoints.load();
    static final FalEndpoint STANDARD = REGISTRY.require("o3/standard/image-to-video");
    static final FalEndpoint PRO = REGISTRY.require("o3/pro/reference-to-video");
    static final ObjectMapper JSON = new ObjectMapper();

    final MutableClock clock = new MutableClock(Instant.now());
    MockFal mock;
    Path dir;
    ServerConfig config;

    /** Services given out for the running test only. */
    private final List<DefaultJobService> perTest = new ArrayList<>();

    private boolean ownsDir;

    JobServiceFixture(Path dir) throws IOException {
        start(dir);
    }

    private JobServiceFixture() {}

    /** A fixture for a static {@code @RegisterExtension} field: it starts before the class's first test. */
    static JobServiceFixture perClass() {
        return new JobServiceFixture();
    }

    private void start(Path dir) throws IOException {
        this.dir = dir;
        Path storage = Files.createDirectories(Path.of("target", "mock-fal-service-storage"));
        mock = MockFal.start(new MockFalOptions()
                .setManualClock(true)
                .setSeed(11)
                .setLogRequests(false)
                .setStorageDir(storage)
                .addApiKey(KEY));
        Files.createDirectories(dir.resolve("uploads"));
        config = MockFalConfig.in(dir, mock.baseUrl(), KEY)
                .withUploadRoots(List.of(dir.resolve("uploads")))
                .withRetry(new ServerConfig.Retry(4, Duration.ofMillis(1), Duration.ofMillis(20)));
    }

    DefaultJobService open() {
        return open(config);
    }

    /** A service closed by the fixture when the running test ends (with {@link #perClass()} only). */
    DefaultJobService openForTest() {
        DefaultJobService jobs = open();
        perTest.add(jobs);
        return jobs;
    }

    DefaultJobService open(ServerConfig c) {
        return new DefaultJobService(
                c, JdbcJobLedger.open(c.ledgerUrl(), clock), new HttpFalGateway(c), REGISTRY, clock);
    }

    /** A service whose shared followers have these limits (stream budget, status-read turns). */
    DefaultJobService open(JobFollowers.Limits follow) {
        return new DefaultJobService(
                config,
                JdbcJobLedger.open(config.ledgerUrl(), clock),
                new HttpFalGateway(config),
                REGISTRY,
                clock,
                follow);
    }

    static ObjectNode standardInput(String prompt) {
        ObjectNode in = JSON.createObjectNode();
        in.put("prompt", prompt);
        in.put("image_url", "https://example.com/cat.png");
        in.put("duration", "3");
        return in;
    }

    static ObjectNode proInput() {
        ObjectNode in = JSON.createObjectNode();
        in.put("prompt", "@Image1 dances in the rain");
        in.putArray("image_urls").add("https://example.com/a.png");
        in.put("duration", "8");
        in.put("aspect_ratio", "9:16");
        return in;
    }

    long accepted(FalEndpoint e) {
        var c = mock.control().submits().get(e.id());
        return c == null ? 0 : c.accepted();
    }

    long attempts(FalEndpoint e) {
        var c = mock.control().submits().get(e.id());
        return c == null ? 0 : c.attempts();
    }

    /** Runs {@code await} on another thread while moving the mock's clock until it returns. */
    JobView awaitWhileAdvancing(JobService jobs, String id, Duration max, StatusListener listener) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<JobView> done = pool.submit(() -> jobs.await(id, max, listener));
            for (int i = 0; i < 200 && !done.isDone(); i++) {
                Thread.sleep(15);
                mock.control().advanceClock(Duration.ofSeconds(5));
            }
            return done.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        ownsDir = true;
        start(Files.createTempDirectory("job-service-"));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        mock.control().reset();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        perTest.forEach(DefaultJobService::close);
        perTest.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
        if (ownsDir) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Override
    public void close() {
        if (mock != null) {
            mock.close();
        }
    }
}
