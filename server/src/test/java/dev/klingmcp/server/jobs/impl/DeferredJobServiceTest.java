package dev.klingmcp.server.jobs.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.config.ServerConfigLoader;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobFilter;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.ledger.LedgerException;
import dev.klingmcp.server.testing.FakeJobService;
import dev.klingmcp.server.testing.McpSession;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The job service opened in the background: who waits for it, and what a failed opening looks like to an agent. */
@Timeout(60)
class DeferredJobServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final PriceTable PRICES = PriceTable.load(JobServiceFixture.REGISTRY, null);

    @TempDir
    Path tmp;

    @Test
    void estimatesDoNotWaitAndEverythingElseWaitsForTheOpening() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FakeJobService real = new FakeJobService(tmp);
        DeferredJobService jobs = DeferredJobService.openInBackground(
                () -> {
                    await(release);
                    return real;
                },
                PRICES,
                Duration.ofSeconds(30));
        try {
            // Still opening: prices come from the table it was given.
            assertThat(jobs.estimate(JobServiceFixture.STANDARD, JobServiceFixture.standardInput("a cat"))
                            .usd())
                    .isEqualTo(PRICES.estimate(JobServiceFixture.STANDARD, JobServiceFixture.standardInput("a cat"))
                            .usd());
            CompletableFuture<Integer> listed = CompletableFuture.supplyAsync(
                    () -> jobs.list(JobFilter.all()).jobs().size());
            assertThat(listed).isNotDone();
            release.countDown();
            assertThat(listed.get(10, TimeUnit.SECONDS)).isZero();
        } finally {
            release.countDown();
            jobs.close();
        }
    }

    @Test
    void aFailedOpeningIsAClearErrorOnEveryCallThatNeedsIt() {
        DeferredJobService jobs = DeferredJobService.openInBackground(
                () -> {
                    throw new LedgerException(
                            "cannot open the job ledger at jdbc:sqlite:/nowhere/jobs.db: disk I/O error", null);
                },
                PRICES,
                Duration.ofSeconds(30));
        assertThatThrownBy(() -> jobs.status("req-1")).isInstanceOfSatisfying(JobException.class, e -> {
            assertThat(e.kind()).isEqualTo(JobException.Kind.LOCAL_IO);
            assertThat(e.getMessage())
                    .contains(
                            "could not start",
                            "jdbc:sqlite:/nowhere/jobs.db",
                            "disk I/O error",
                            "KLING_MCP_LEDGER_URL");
        });
        assertThatThrownBy(() -> jobs.completeJobIds("", 5)).isInstanceOf(JobException.class);
        jobs.close(); // nothing was opened: nothing to close, no exception
    }

    @Test
    void anOpeningThatHangsIsABoundedWait() {
        CountDownLatch never = new CountDownLatch(1);
        DeferredJobService jobs = DeferredJobService.openInBackground(
                () -> {
                    await(never);
                    throw new IllegalStateException("released at the end of the test");
                },
                PRICES,
                Duration.ofMillis(200));
        try {
            assertThatThrownBy(() -> jobs.find("req-1")).isInstanceOfSatisfying(JobException.class, e -> {
                assertThat(e.kind()).isEqualTo(JobException.Kind.LOCAL_IO);
                assertThat(e.getMessage()).contains("still opening");
            });
        } finally {
            never.countDown();
        }
    }

    @Test
    void closeWaitsForTheOpeningAndClosesTheOpenedService() {
        CountDownLatch closed = new CountDownLatch(1);
        JobService probe = (JobService) Proxy.newProxyInstance(
                JobService.class.getClassLoader(), new Class<?>[] {JobService.class}, (self, method, args) -> {
                    if (method.getName().equals("close")) {
                        closed.countDown();
                    }
                    return null;
                });
        JobService jobs = DeferredJobService.openInBackground(
                () -> {
                    sleep(200); // still opening when close() is called
                    return probe;
                },
                PRICES,
                Duration.ofSeconds(30));
        jobs.close();
        assertThat(closed.getCount()).isZero();
    }

    /** End to end: a ledger path that cannot be created; the server starts, and tools say why they can't work. */
    @Test
    void anUnwritableLedgerPathBecomesAToolErrorNotACrash() throws Exception {
        Path notAFolder = Files.writeString(tmp.resolve("a-file"), "x");
        ServerConfig config = new ServerConfigLoader()
                .env(Map.of())
                .workingDir(tmp)
                .home(tmp)
                .load()
                .withLedgerUrl("jdbc:sqlite:" + notAFolder.resolve("state/jobs.db"));
        JobService jobs = DeferredJobService.openInBackground(
                () -> DefaultJobService.open(config), PRICES, Duration.ofSeconds(30));
        try (McpSession mcp = new McpSession(jobs, s -> s)) {
            JsonNode models = mcp.callTool("describe_models", null, null);
            assertThat(models.path("isError").asBoolean()).as(models.toString()).isFalse();

            JsonNode listed = mcp.callTool("list_jobs", null, null);
            assertThat(listed.path("isError").asBoolean()).isTrue();
            JsonNode error = listed.at("/structuredContent/error");
            assertThat(error.path("code").asText()).isEqualTo("local_io");
            assertThat(error.path("message").asText()).contains("could not start", notAFolder.toString());

            JsonNode status = mcp.callTool("status", JSON.createObjectNode().put("job_id", "req-1"), null);
            assertThat(status.at("/structuredContent/error/code").asText()).isEqualTo("local_io");
        } finally {
            jobs.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
