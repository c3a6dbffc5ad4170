package dev.klingmcp.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.jobs.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every ledger database must do for the background follower's leases: a job fal knows and that has not finished
 * is claimed by one process at a time until its lease runs out or its holder releases it.
 */
interface LedgerLeaseContract extends LedgerUnderTest {

    /** Marks a job accepted by fal (it has a request id) and in {@code state}. */
    private void accepted(String localId, JobState state) {
        ledger().update(localId, b -> b.requestId("req-" + localId).state(state), "accepted");
    }

    @Test
    default void aClaimTakesUnfinishedJobsFalKnowsAndNoOtherProcessGetsThemWhileTheLeaseHolds() {
        insert("queued", "m/a/x", 0);
        accepted("queued", JobState.QUEUED);
        clock().advance(Duration.ofSeconds(1));
        insert("running", "m/a/x", 0);
        accepted("running", JobState.RUNNING);
        insert("submitting", "m/a/x", 0);
        insert("done", "m/a/x", 0);
        accepted("done", JobState.SUCCEEDED);
        Instant until = clock().instant().plus(Duration.ofSeconds(30));
        try (JdbcJobLedger other = JdbcJobLedger.open(url(), clock())) {
            assertThat(ledger().claimUnfinished("A", until, 10, false))
                    .extracting(JobRecord::localId)
                    .containsExactly("queued", "running");
            assertThat(other.claimUnfinished("B", until, 10, false)).isEmpty();
            // the holder renews
            assertThat(ledger().claimUnfinished("A", until.plusSeconds(30), 10, false))
                    .hasSize(2);
            clock().advance(Duration.ofSeconds(31));
            assertThat(other.claimUnfinished("B", clock().instant().plusSeconds(30), 10, false))
                    .isEmpty();
            // A stopped renewing (died): once its lease ran out, B takes the jobs over
            clock().advance(Duration.ofSeconds(30));
            assertThat(other.claimUnfinished("B", clock().instant().plusSeconds(30), 1, false))
                    .extracting(JobRecord::localId)
                    .containsExactly("queued");
            assertThat(ledger().claimUnfinished("A", clock().instant().plusSeconds(30), 10, false))
                    .extracting(JobRecord::localId)
                    .containsExactly("running");
        }
    }

    @Test
    default void aReleasedLeaseIsFreeAtOnceAndOnlyItsHolderCanReleaseIt() {
        insert("j", "m/a/x", 0);
        accepted("j", JobState.RUNNING);
        Instant until = clock().instant().plusSeconds(30);
        assertThat(ledger().claimUnfinished("A", until, 10, false)).hasSize(1);
        ledger().release("j", "B");
        assertThat(ledger().claimUnfinished("B", until, 10, false)).isEmpty();
        ledger().release("req-j", "A");
        assertThat(ledger().claimUnfinished("B", until, 10, false))
                .extracting(JobRecord::localId)
                .containsExactly("j");
    }

    @Test
    default void succeededJobsWithoutTheirVideoAreClaimedOnlyWhenDownloadsAreWanted() {
        insert("saved", "m/a/x", 0);
        accepted("saved", JobState.SUCCEEDED);
        ledger().update("saved", b -> b.download("/v/saved.mp4", "abc"), "downloaded");
        insert("unsaved", "m/a/x", 0);
        accepted("unsaved", JobState.SUCCEEDED);
        insert("failed", "m/a/x", 0);
        accepted("failed", JobState.FAILED);
        Instant until = clock().instant().plusSeconds(30);
        assertThat(ledger().claimUnfinished("A", until, 10, false)).isEmpty();
        assertThat(ledger().claimUnfinished("A", until, 10, true))
                .extracting(JobRecord::localId)
                .containsExactly("unsaved");
    }

    @Test
    default void concurrentClaimsFromManyProcessesNeverHandOneJobToTwo() throws Exception {
        for (int i = 0; i < 30; i++) {
            insert("j" + i, "m/a/x", 0);
            accepted("j" + i, JobState.QUEUED);
        }
        List<JdbcJobLedger> replicas = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int r = 0; r < 4; r++) {
                replicas.add(JdbcJobLedger.open(url(), clock()));
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> claims = new ArrayList<>();
            Instant until = clock().instant().plusSeconds(30);
            for (int r = 0; r < 4; r++) {
                JdbcJobLedger replica = replicas.get(r);
                String owner = "replica-" + r;
                claims.add(pool.submit(() -> {
                    start.await();
                    List<String> mine = new ArrayList<>();
                    for (int round = 0; round < 5; round++) {
                        replica.claimUnfinished(owner, until, 4, false).forEach(j -> mine.add(j.localId()));
                    }
                    return mine;
                }));
            }
            start.countDown();
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : claims) {
                // a replica renews its own rows in later rounds: each of its jobs counts once
                all.addAll(f.get(60, TimeUnit.SECONDS).stream().distinct().toList());
            }
            assertThat(all).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(4);
        } finally {
            pool.shutdown();
            replicas.forEach(JdbcJobLedger::close);
        }
    }
}
