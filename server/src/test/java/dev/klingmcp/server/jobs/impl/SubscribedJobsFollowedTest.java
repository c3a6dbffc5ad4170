package dev.klingmcp.server.jobs.impl;

import static dev.klingmcp.server.jobs.impl.JobServiceFixture.STANDARD;
import static dev.klingmcp.server.jobs.impl.JobServiceFixture.standardInput;
import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.jobs.SubmitCommand;
import dev.klingmcp.server.mcp.JobWatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resource subscriptions to more jobs than the watcher has threads, against mock-fal: every subscribed job's end is
 * pushed, whether the job holds a status stream or, beyond the stream budget, is read in turns; and every one is
 * followed upstream during a silence of several turns (the watcher's old turns gave the first 16 subscribed jobs a
 * 50 s stream each while the others waited for a thread: in p5-scale, 16 jobs of 1,000 streamed in a minute).
 */
@Timeout(240)
class SubscribedJobsFollowedTest {

    @RegisterExtension
    static final JobServiceFixture fx = JobServiceFixture.perClass();

    @Test
    void fortySubscribedJobsAllHearTheirJobFinish() throws Exception {
        try (DefaultJobService jobs = fx.open();
                JobWatcher watcher = new JobWatcher(jobs)) {
            followAllToTheEnd(jobs, watcher, 40);
        }
        assertThat(fx.mock.control().queueCalls().getOrDefault("STATUS", 0L))
                .as("every job on a stream of its own: no status reads")
                .isZero();
    }

    @Test
    void beyondTheStreamBudgetJobsAreReadInTurnsAndAllHearTheirJobFinish() throws Exception {
        JobFollowers.Limits small = new JobFollowers.Limits(4, Duration.ofMillis(200), Duration.ofSeconds(1));
        try (DefaultJobService jobs = fx.open(small);
                JobWatcher watcher = new JobWatcher(jobs)) {
            followAllToTheEnd(jobs, watcher, 30);
        }
        Map<String, Long> calls = fx.mock.control().queueCalls();
        assertThat(calls.getOrDefault("STATUS", 0L))
                .as("jobs beyond the budget are read: %s", calls)
                .isPositive();
    }

    private static void followAllToTheEnd(DefaultJobService jobs, JobWatcher watcher, int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(jobs.submit(SubmitCommand.of(STANDARD, standardInput("subscribed " + i)))
                    .job()
                    .jobId());
        }
        Set<String> finished = ConcurrentHashMap.newKeySet();
        watcher.addListener(id -> {
            if (jobs.find(id).map(v -> v.state().isTerminal()).orElse(false)) {
                finished.add(id);
            }
        });
        for (String id : ids) {
            watcher.onSubscription("resources/subscribe", "kling://jobs/" + id, x -> true);
        }
        assertThat(watcher.following()).isEqualTo(n);
        // The jobs stand still (the mock's clock is stopped) for longer than a few turns: whoever follows them must
        // keep going through silence, not only while events arrive.
        Thread.sleep(12_000);
        Set<String> asked = fx.mock.control().requests().stream()
                .filter(r -> "status".equals(r.call()) || "stream".equals(r.call()))
                .map(dev.klingmcp.mock.report.RecordedRequest::requestId)
                .collect(java.util.stream.Collectors.toSet());
        assertThat(asked).as("jobs followed upstream during the silence").containsAll(ids);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (finished.size() < n && System.nanoTime() < deadline) {
            fx.mock.control().advanceClock(Duration.ofSeconds(5));
            Thread.sleep(20);
        }
        assertThat(finished).as("jobs whose end was pushed").containsExactlyInAnyOrderElementsOf(ids);
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (watcher.following() > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(watcher.following())
                .as("finished jobs are no longer followed")
                .isZero();
    }
}
