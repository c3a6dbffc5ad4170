package dev.klingmcp.server.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.LogLine;
import dev.klingmcp.server.jobs.StatusUpdate;
import dev.klingmcp.server.testing.JobViewFixtures;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {

    private final List<ProgressNotification> progress = new ArrayList<>();

    private final List<LoggingMessageNotification> logs = new ArrayList<>();

    private final List<String> changed = new ArrayList<>();

    @Test
    void sentValuesStrictlyIncreaseEvenWhenTheComputedOnesStallOrRoundTogether() {
        ProgressReporter r = new ProgressReporter(progress::add, logs::add, "t", changed::add);
        r.report(view(JobState.QUEUED, 0, null, null));
        r.report(view(JobState.QUEUED, 0, null, null));
        // 10.004 would round to 10.00 and 10.012 to 10.01: both must still come out above what was sent before.
        r.report(view(JobState.RUNNING, null, Duration.ofMillis(45), Duration.ofSeconds(10_000)));
        r.report(view(JobState.RUNNING, null, Duration.ofMillis(1350), Duration.ofSeconds(10_000)));
        r.report(view(JobState.RUNNING, null, Duration.ofSeconds(100), Duration.ofSeconds(100)));
        r.report(view(JobState.SUCCEEDED, null, Duration.ofSeconds(200), null));
        r.report(view(JobState.SUCCEEDED, null, Duration.ofSeconds(200), null));
        List<Double> values =
                progress.stream().map(ProgressNotification::progress).toList();
        for (int i = 1; i < values.size(); i++) {
            assertThat(values.get(i)).as("%s", values).isGreaterThan(values.get(i - 1));
        }
        assertThat(values.get(values.size() - 1)).isEqualTo(100.0);
        assertThat(progress).allSatisfy(p -> assertThat(p.total()).isEqualTo(100.0));
        assertThat(progress.get(0).message()).isEqualTo("queued (position 0)");
    }

    @Test
    void twoThreadsReportingAtOnceStillSendStrictlyIncreasingValues() throws Exception {
        // The tool thread reports the state before the first stream event while the stream thread reports updates.
        List<ProgressNotification> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        ProgressReporter r = new ProgressReporter(sent::add, logs::add, "t", id -> {});
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        Runnable queued = () -> {
            awaitQuietly(go);
            for (int i = 0; i < 500; i++) {
                r.report(view(JobState.QUEUED, 0, null, null));
            }
        };
        Runnable running = () -> {
            awaitQuietly(go);
            for (int i = 0; i < 500; i++) {
                r.report(view(JobState.RUNNING, null, Duration.ofMillis(10L * i), Duration.ofSeconds(100)));
            }
        };
        Thread a = new Thread(queued);
        Thread b = new Thread(running);
        a.start();
        b.start();
        go.countDown();
        a.join(10_000);
        b.join(10_000);
        List<Double> values = sent.stream().map(ProgressNotification::progress).toList();
        assertThat(values).isNotEmpty();
        for (int i = 1; i < values.size(); i++) {
            assertThat(values.get(i)).as("sent in this order: %s", values).isGreaterThan(values.get(i - 1));
        }
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void falLogsBecomeLoggingNotificationsAndTheirPercentagesMoveTheBar() {
        ProgressReporter r = new ProgressReporter(progress::add, logs::add, "t", changed::add);
        JobView running = view(JobState.RUNNING, null, Duration.ofSeconds(1), Duration.ofSeconds(300));
        r.onUpdate(new StatusUpdate(
                running,
                List.of(
                        new LogLine("Generating video... 60%", "INFO", "USER", null),
                        new LogLine("disk almost full", "WARN", null, null)),
                1));
        assertThat(logs)
                .extracting(LoggingMessageNotification::level)
                .containsExactly(LoggingLevel.INFO, LoggingLevel.WARNING);
        assertThat(logs.get(0).data()).isEqualTo("[job-1] Generating video... 60%");
        assertThat(progress).singleElement().satisfies(p -> assertThat(p.progress())
                .isEqualTo(63.4));
        assertThat(changed).containsExactly("job-1");
    }

    @Test
    void withoutATokenNothingIsSentButLogsStillFlow() {
        ProgressReporter r = new ProgressReporter(progress::add, logs::add, null, changed::add);
        r.onUpdate(new StatusUpdate(
                view(JobState.RUNNING, null, null, null), List.of(new LogLine("x", null, null, null)), 1));
        assertThat(progress).isEmpty();
        assertThat(logs).hasSize(1);
    }

    @Test
    void percentagesAreReadFromLogLines() {
        assertThat(ProgressReporter.logPercent("Generating video... 40%")).isEqualTo(40);
        assertThat(ProgressReporter.logPercent("step 3/10 (12.5 %)")).isEqualTo(12.5);
        assertThat(ProgressReporter.logPercent("no number")).isEqualTo(-1);
        assertThat(ProgressReporter.logPercent("350% faster")).isEqualTo(-1);
    }

    private static JobView view(JobState state, Integer position, Duration elapsed, Duration eta) {
        return JobViewFixtures.bare(
                "job-1",
                "l1",
                "fal-ai/kling-video/o3/pro/reference-to-video",
                state,
                position,
                Instant.parse("2026-11-21T10:00:00Z"),
                elapsed,
                eta);
    }
}
