package dev.klingmcp.server.jobs.impl;

import static dev.klingmcp.server.jobs.impl.JobServiceFixture.STANDARD;
import static dev.klingmcp.server.jobs.impl.JobServiceFixture.standardInput;
import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.mock.report.RecordedRequest;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.ResultView;
import dev.klingmcp.server.jobs.StatusUpdate;
import dev.klingmcp.server.jobs.SubmitCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Waits on one job share one fal status stream: an agent's polling loop of short waits, a second waiter at the same
 * time, and plain status reads while it is followed cost no extra upstream request.
 */
@Timeout(120)
class SharedStatusStreamTest {

    @RegisterExtension
    static final JobServiceFixture fx = JobServiceFixture.perClass();

    DefaultJobService jobs;

    @BeforeEach
    void open() {
        jobs = fx.openForTest();
    }

    /** Requests the mock answered for this fal request id, by kind of call. */
    private static Map<String, Integer> upstream(String requestId) {
        Map<String, Integer> by = new TreeMap<>();
        for (RecordedRequest r : fx.mock.control().requests()) {
            if (requestId.equals(r.requestId())) {
                by.merge(r.call(), 1, Integer::sum);
            }
        }
        return by;
    }

    @Test
    void aPollingLoopOfShortWaitsKeepsOneStreamAndPlainReadsCostNothing() throws Exception {
        JobView job = jobs.submit(SubmitCommand.of(STANDARD, standardInput("a heron waits")))
                .job();
        String id = job.jobId();
        // Three calls in a row, each ending on its own time (the mock's clock stands still: the job stays queued).
        for (int i = 0; i < 3; i++) {
            JobView view = jobs.await(id, Duration.ofMillis(700), u -> {});
            assertThat(view.state()).isEqualTo(JobState.QUEUED);
        }
        // Reads while the stream follows the job come from the ledger it keeps fresh.
        assertThat(jobs.status(id).state()).isEqualTo(JobState.QUEUED);
        assertThat(jobs.status(id).state()).isEqualTo(JobState.QUEUED);

        Map<String, Integer> calls = upstream(id);
        assertThat(calls).as("requests for %s: %s", id, calls).doesNotContainKey("status");
        assertThat(calls.values().stream().mapToInt(Integer::intValue).sum())
                .as("submit + one stream, whatever the number of waits: %s", calls)
                .isEqualTo(2);
    }

    @Test
    void twoWaitersAtOnceShareTheStreamAndTheResultIsFetchedOnce() throws Exception {
        JobView job = jobs.submit(SubmitCommand.of(STANDARD, standardInput("two herons wait")))
                .job();
        String id = job.jobId();
        List<StatusUpdate> first = new CopyOnWriteArrayList<>();
        List<StatusUpdate> second = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<JobView> a = pool.submit(() -> jobs.await(id, Duration.ofSeconds(60), first::add));
            Future<JobView> b = pool.submit(() -> jobs.await(id, Duration.ofSeconds(60), second::add));
            for (int i = 0; i < 400 && !(a.isDone() && b.isDone()); i++) {
                Thread.sleep(15);
                fx.mock.control().advanceClock(Duration.ofSeconds(5));
            }
            assertThat(a.get(30, TimeUnit.SECONDS).state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(b.get(30, TimeUnit.SECONDS).state()).isEqualTo(JobState.SUCCEEDED);
        } finally {
            pool.shutdownNow();
        }
        assertThat(first).isNotEmpty();
        assertThat(second).isNotEmpty();
        assertThat(first).extracting(StatusUpdate::sequence).isSorted();
        assertThat(first.stream().flatMap(u -> u.newLogs().stream()).toList()).doesNotHaveDuplicates();
        ResultView result = jobs.result(id, false);
        assertThat(result.outcome()).isEqualTo(ResultView.Outcome.READY);

        Map<String, Integer> calls = upstream(id);
        assertThat(calls.getOrDefault("status", 0)).as("%s", calls).isZero();
        assertThat(calls.values().stream().mapToInt(Integer::intValue).sum())
                .as("submit, one stream, one result: %s", calls)
                .isEqualTo(3);
    }

    @Test
    void withWebhooksWaitsAndReadsAskFalNothingAndTheWebhookEndsTheWait() throws Exception {
        // This process receives fal's webhooks (the follower's straggler period is set): a job submitted with one is
        // not asked about while fal is expected to call back.
        String hook = fx.mock.baseUrl() + "/_test/hook";
        jobs.startFollowing(new dev.klingmcp.server.config.FollowSettings(
                false, Duration.ofSeconds(5), Duration.ofSeconds(30), false, 64, Duration.ofMinutes(2), hook));
        JobView job = jobs.submit(
                        new SubmitCommand(STANDARD, standardInput("a heron waits for a call"), hook, false, null))
                .job();
        String id = job.jobId();
        for (int i = 0; i < 2; i++) {
            assertThat(jobs.await(id, Duration.ofMillis(700), u -> {}).state()).isEqualTo(JobState.QUEUED);
        }
        assertThat(jobs.status(id).state()).isEqualTo(JobState.QUEUED);
        Future<JobView> waiting;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            waiting = pool.submit(() -> jobs.await(id, Duration.ofSeconds(30), u -> {}));
            Thread.sleep(300);
            com.fasterxml.jackson.databind.node.ObjectNode output = JobServiceFixture.JSON.createObjectNode();
            output.putObject("video").put("url", fx.mock.baseUrl() + "/video.mp4");
            assertThat(jobs.recordCallback(id, true, output, null)).isTrue();
            assertThat(waiting.get(10, TimeUnit.SECONDS).state()).isEqualTo(JobState.SUCCEEDED);
        } finally {
            pool.shutdownNow();
        }
        Map<String, Integer> calls = upstream(id);
        assertThat(calls).as("only the submit reached fal: %s", calls).containsOnlyKeys("submit");
    }

    @Test
    void aJobWithTheAgentsOwnWebhookIsFollowedLikeAnyOther() throws Exception {
        // This process receives fal's webhooks at its own URL; the agent gave fal another one, which fal calls instead
        // of us: going quiet would leave the job's state stale until the straggler period ran out.
        jobs.startFollowing(new dev.klingmcp.server.config.FollowSettings(
                false,
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                false,
                64,
                Duration.ofMinutes(2),
                fx.mock.baseUrl() + "/fal/webhook"));
        String agentsHook = fx.mock.baseUrl() + "/_test/agents-own-hook";
        String id = jobs.submit(new SubmitCommand(
                        STANDARD, standardInput("a heron with its own phone"), agentsHook, false, null))
                .job()
                .jobId();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<JobView> waiting = pool.submit(() -> jobs.await(id, Duration.ofSeconds(60), u -> {}));
            for (int i = 0; i < 400 && !waiting.isDone(); i++) {
                Thread.sleep(15);
                fx.mock.control().advanceClock(Duration.ofSeconds(5));
            }
            assertThat(waiting.get(30, TimeUnit.SECONDS).state()).isEqualTo(JobState.SUCCEEDED);
        } finally {
            pool.shutdownNow();
        }
        assertThat(upstream(id)).as("fal was asked: its stream told the wait").containsKey("stream");
    }
}
