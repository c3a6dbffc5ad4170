package dev.klingmcp.server.jobs.impl;

import static dev.klingmcp.server.jobs.impl.JobServiceFixture.STANDARD;
import static dev.klingmcp.server.jobs.impl.JobServiceFixture.standardInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.server.config.FalKey;
import dev.klingmcp.server.jobs.CancelView;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobFilter;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.ResultView;
import dev.klingmcp.server.jobs.SubmitCommand;
import dev.klingmcp.server.ledger.JdbcJobLedger;
import dev.klingmcp.server.ledger.JobRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Crashes, restarts and submits fal may or may not have taken: nothing is lost, nothing is billed twice. */
class JobServiceRecoveryTest {

    @RegisterExtension
    static final JobServiceFixture fx = JobServiceFixture.perClass();

    @Test
    void aRowLeftSubmittingByACrashBecomesUnknownAndIsNeverResubmitted() {
        try (JdbcJobLedger ledger = JdbcJobLedger.open(fx.config.ledgerUrl(), fx.clock)) {
            // exactly what submit writes before its POST; the process then "dies"
            ledger.insert(
                    JobRecord.submitting("local-crashed", STANDARD.id(), "{\"prompt\":\"lost?\"}"),
                    "ledger write before submit");
            ledger.insert(
                    JobRecord.submitting("local-young", STANDARD.id(), "{\"prompt\":\"in flight elsewhere\"}"), "n");
        }
        fx.clock.advance(fx.config.timeouts().submit().plusSeconds(1));
        try (JdbcJobLedger ledger = JdbcJobLedger.open(fx.config.ledgerUrl(), fx.clock)) {
            ledger.update("local-young", b -> b, "n"); // still SUBMITTING
        }
        try (DefaultJobService jobs = fx.open()) {
            JobView crashed = jobs.find("local-crashed").orElseThrow();
            assertThat(crashed.state()).isEqualTo(JobState.UNKNOWN);
            assertThat(crashed.error().message()).containsAnyOf("not resubmitted automatically", "request history");
            assertThat(jobs.list(new JobFilter(java.util.Set.of(JobState.UNKNOWN), null, null, 50))
                            .jobs())
                    .extracting(JobView::jobId)
                    .contains("local-crashed");
            assertThat(jobs.result("local-crashed", true).outcome()).isEqualTo(ResultView.Outcome.UNKNOWN);
            // Recorded, not refused: should fal's history show the job later, it is cancelled there at once.
            assertThat(jobs.cancel("local-crashed").outcome()).isEqualTo(CancelView.Outcome.CANCELLATION_REQUESTED);
            assertThat(jobs.status("local-crashed").state()).isEqualTo(JobState.UNKNOWN);
        }
        assertThat(fx.attempts(STANDARD)).isZero();
    }

    @Test
    void jobsSurviveARestartAndTheirVideoCanBeFetchedAfterwards() {
        String id;
        try (DefaultJobService jobs = fx.open()) {
            id = jobs.submit(SubmitCommand.of(STANDARD, standardInput("survives restarts")))
                    .job()
                    .jobId();
        }
        fx.mock.control().advanceClock(Duration.ofMinutes(5));
        try (DefaultJobService jobs = fx.open()) {
            assertThat(jobs.list(JobFilter.all()).jobs())
                    .extracting(JobView::jobId)
                    .contains(id);
            ResultView r = jobs.result(id, true);
            assertThat(r.outcome()).isEqualTo(ResultView.Outcome.READY);
            assertThat(Path.of(r.download().path())).exists();
        }
        try (DefaultJobService jobs = fx.open()) {
            JobView v = jobs.find(id).orElseThrow();
            assertThat(v.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(v.sha256()).isNotNull();
            assertThat(jobs.result(id, true).download().reused()).isTrue();
        }
        assertThat(fx.accepted(STANDARD)).isEqualTo(1);
    }

    @Test
    void aRefusedSubmitIsRecordedFailedAndItsKeyCanBeUsedAgain() {
        fx.mock.control().setFaults(FaultPlan.parse("submit=429x4,retry_after=0"));
        try (DefaultJobService jobs = fx.open()) {
            SubmitCommand cmd = new SubmitCommand(STANDARD, standardInput("refused first"), null, false, "k-refused");
            assertThatThrownBy(() -> jobs.submit(cmd))
                    .isInstanceOf(JobException.class)
                    .satisfies(e -> {
                        JobException j = (JobException) e;
                        assertThat(j.kind()).isEqualTo(JobException.Kind.FAL_ERROR);
                        assertThat(j.httpStatus()).isEqualTo(429);
                        assertThat(j.getMessage()).contains("nothing was queued or billed");
                    });
            assertThat(jobs.list(new JobFilter(java.util.Set.of(JobState.FAILED), null, null, 50))
                            .jobs())
                    .anyMatch(j -> j.input().path("prompt").asText().equals("refused first") && j.requestId() == null);
            var again = jobs.submit(cmd);
            assertThat(again.reused()).isFalse();
            assertThat(again.job().state()).isEqualTo(JobState.QUEUED);
        }
        assertThat(fx.accepted(STANDARD)).isEqualTo(1);
    }

    @Test
    void aSubmitWhoseFateIsUnknownIsRecordedUnknownAndARetryReturnsIt() {
        fx.mock.control().setFaults(FaultPlan.parse("submit=reset"));
        try (DefaultJobService jobs = fx.open()) {
            SubmitCommand cmd = new SubmitCommand(STANDARD, standardInput("maybe sent"), null, false, "k-maybe");
            assertThatThrownBy(() -> jobs.submit(cmd))
                    .isInstanceOf(JobException.class)
                    .satisfies(e -> assertThat(((JobException) e).kind()).isEqualTo(JobException.Kind.UNREACHABLE))
                    .hasMessageContaining("not resubmitted automatically");
            var retry = jobs.submit(cmd);
            assertThat(retry.reused()).isTrue();
            assertThat(retry.job().state()).isEqualTo(JobState.UNKNOWN);
        }
        assertThat(fx.attempts(STANDARD)).isEqualTo(1);
    }

    @Test
    void concurrentRetriesOfOneCommandSubmitOnce() throws Exception {
        try (DefaultJobService jobs = fx.open()) {
            SubmitCommand cmd = new SubmitCommand(STANDARD, standardInput("raced"), null, false, "k-race");
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            java.util.List<java.util.concurrent.Future<dev.klingmcp.server.jobs.SubmitResult>> all =
                    new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                all.add(pool.submit(() -> {
                    go.await();
                    return jobs.submit(cmd);
                }));
            }
            go.countDown();
            java.util.Set<String> localIds = new java.util.HashSet<>();
            int fresh = 0;
            for (var f : all) {
                var r = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
                localIds.add(r.job().localId());
                fresh += r.reused() ? 0 : 1;
            }
            pool.shutdown();
            assertThat(localIds).hasSize(1);
            assertThat(fresh).isEqualTo(1);
        }
        assertThat(fx.attempts(STANDARD)).isEqualTo(1);
    }

    @Test
    void theKeyNeverShowsInErrorsOrJobViews() {
        String key = "leaky-key-id-123:leaky-secret-abcdef";
        try (DefaultJobService jobs = fx.open(fx.config.withFalKey(FalKey.of(key)))) {
            assertThatThrownBy(() -> jobs.submit(SubmitCommand.of(STANDARD, standardInput("wrong key"))))
                    .satisfies(e -> assertThat(e.getMessage())
                            .doesNotContain("leaky-secret-abcdef")
                            .doesNotContain("leaky-key-id-123"));
            String everything = jobs.list(JobFilter.all()).toString();
            assertThat(everything).doesNotContain("leaky-secret-abcdef").doesNotContain("leaky-key-id-123");
        }
    }

    @Test
    void pricesComeFromTheRegistryOrAPriceFile() throws Exception {
        ObjectNode shots = JobServiceFixture.JSON.createObjectNode();
        shots.putArray("multi_prompt").addObject().put("prompt", "a").put("duration", "3");
        ((com.fasterxml.jackson.databind.node.ArrayNode) shots.get("multi_prompt"))
                .addObject()
                .put("prompt", "b")
                .put("duration", "4");
        shots.put("generate_audio", true);
        try (DefaultJobService jobs = fx.open()) {
            var e = jobs.estimate(STANDARD, shots);
            assertThat(e.seconds()).isEqualTo(7);
            assertThat(e.usdPerSecond()).isEqualTo(0.112);
            assertThat(e.usd()).isEqualTo(0.78);
            assertThat(jobs.estimate(STANDARD, JobServiceFixture.JSON.createObjectNode())
                            .seconds())
                    .isEqualTo(5);
        }
        Path prices = Files.writeString(
                fx.dir.resolve("prices.json"), "{\"o3/standard/image-to-video\": {\"usdPerSecondAudioOn\": 0.2}}");
        var withFile = new dev.klingmcp.server.config.ServerConfigLoader()
                .env(java.util.Map.of("KLING_MCP_PRICE_FILE", prices.toString()))
                .workingDir(fx.dir)
                .home(fx.dir)
                .load();
        PriceTable table = PriceTable.load(JobServiceFixture.REGISTRY, withFile.priceFile());
        assertThat(table.estimate(STANDARD, shots).usd()).isEqualTo(1.4);
        assertThat(table.estimate(STANDARD, shots).priceSource()).isEqualTo(prices.toString());
        assertThat(table.estimate(STANDARD, standardInput("x")).usdPerSecond()).isEqualTo(0.084);
        Path bad = Files.writeString(fx.dir.resolve("bad-prices.json"), "{\"o9/nothing\": {}}");
        assertThatThrownBy(() -> PriceTable.load(JobServiceFixture.REGISTRY, bad))
                .hasMessageContaining("unknown model 'o9/nothing'");
    }
}
