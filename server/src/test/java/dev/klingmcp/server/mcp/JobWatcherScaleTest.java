package dev.klingmcp.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.testing.JobViewFixtures;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Many subscriptions, bounded threads: every followed job is watched until it finishes, never more than
 * {@link JobWatcher#MAX_WATCHERS} at once, and jobs take turns (short rounds) while more wait than threads exist.
 */
class JobWatcherScaleTest {

    private static final int JOBS = 200;

    @Test
    void twoHundredSubscribedJobsAreAllFollowedToTheEndBySixteenThreads() {
        AtomicInteger inAwait = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        Map<String, AtomicInteger> rounds = new ConcurrentHashMap<>();
        Set<Duration> turns = ConcurrentHashMap.newKeySet();
        CountDownLatch subscribed = new CountDownLatch(1);
        // A job finishes on its third round; each round blocks a little, like a stream that sees no event.
        JobService jobs = (JobService) Proxy.newProxyInstance(
                JobService.class.getClassLoader(), new Class<?>[] {JobService.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("await")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    mostAtOnce.accumulateAndGet(inAwait.incrementAndGet(), Math::max);
                    try {
                        // No job may finish before every subscription is in: the duplicate one must meet a follower.
                        subscribed.await(30, TimeUnit.SECONDS);
                        turns.add((Duration) args[1]);
                        Thread.sleep(2);
                        int round = rounds.computeIfAbsent((String) args[0], id -> new AtomicInteger())
                                .incrementAndGet();
                        return view((String) args[0], round >= 3 ? JobState.SUCCEEDED : JobState.RUNNING);
                    } finally {
                        inAwait.decrementAndGet();
                    }
                });
        Set<String> finished = ConcurrentHashMap.newKeySet();
        try (JobWatcher watcher = new JobWatcher(jobs)) {
            watcher.addListener(finished::add);
            for (int i = 0; i < JOBS; i++) {
                watcher.onSubscription("resources/subscribe", "kling://jobs/job-" + i, id -> true);
            }
            watcher.onSubscription("resources/subscribe", "kling://jobs/job-0", id -> true); // twice: one follower
            subscribed.countDown();

            Awaitility.await("every job followed to its end")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> watcher.following() == 0);
        }
        assertThat(finished).hasSize(JOBS);
        assertThat(rounds).hasSize(JOBS).allSatisfy((id, n) -> assertThat(n.get())
                .as("rounds of %s", id)
                .isEqualTo(3));
        assertThat(mostAtOnce.get()).isBetween(2, JobWatcher.MAX_WATCHERS);
        assertThat(turns).as("short turns while jobs wait for a thread").contains(JobWatcher.SHARED_ROUND);
    }

    private static JobView view(String id, JobState state) {
        return JobViewFixtures.bare(
                id,
                id,
                "fal-ai/kling-video/o3/standard/image-to-video",
                state,
                null,
                Instant.EPOCH,
                Duration.ZERO,
                null);
    }
}
