package dev.klingmcp.server.jobs.impl;

import static dev.klingmcp.server.jobs.impl.JobServiceFixture.STANDARD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.fal.impl.HttpFalGateway;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.StatusListener;
import dev.klingmcp.server.ledger.JdbcJobLedger;
import dev.klingmcp.server.ledger.JobRecord;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replicas share one ledger and each runs the reconciler: a SUBMITTING row another replica wrote moments ago is that
 * replica's submit waiting for fal's answer, and this replica leaves it alone (neither its background round nor a
 * status call marks it UNKNOWN) until the submit timeout has passed; after that it is judged like any lost answer.
 */
@Timeout(60)
class SubmitInFlightElsewhereTest {

    private static final String INPUT =
            "{\"prompt\":\"sent by another replica\",\"image_url\":\"https://example.com/cat.png\",\"duration\":\"3\"}";

    @RegisterExtension
    static final JobServiceFixture fx = JobServiceFixture.perClass();

    @Test
    void anotherReplicasSubmitInFlightIsNotJudgedUntilTheSubmitTimeoutPassed() throws Exception {
        try (DefaultJobService jobs = fx.open()) {
            // What replica A wrote right before sending its submit; A's in-flight set is not visible here.
            try (JdbcJobLedger replicaA = JdbcJobLedger.open(fx.config.ledgerUrl(), fx.clock)) {
                replicaA.insert(JobRecord.submitting("local-replica-a", STANDARD.id(), INPUT), "before submit");
            }
            // Replica B's background round (its own in-flight set is empty).
            try (JdbcJobLedger replicaB = JdbcJobLedger.open(fx.config.ledgerUrl(), fx.clock)) {
                Reconciler background = new Reconciler(
                        replicaB,
                        new HttpFalGateway(fx.config),
                        JobServiceFixture.REGISTRY,
                        fx.clock,
                        fx.config.timeouts().notAcceptedAfter(),
                        fx.config.timeouts().submit());
                assertThat(background.reconcileAll(r -> false)).isZero();
                background.close();
            }
            JobView seen = jobs.status("local-replica-a");
            assertThat(seen.state())
                    .as("a submit in flight elsewhere stays SUBMITTING: %s", seen.error())
                    .isEqualTo(JobState.SUBMITTING);
            assertThat(jobs.find("local-replica-a").orElseThrow().state()).isEqualTo(JobState.SUBMITTING);

            fx.clock.advance(fx.config.timeouts().submit().plus(Duration.ofSeconds(1)));
            JobView judged = jobs.status("local-replica-a");
            assertThat(judged.state())
                    .as("past the submit timeout the row is looked for at fal (not listed: UNKNOWN)")
                    .isEqualTo(JobState.UNKNOWN);
        }
        assertThat(fx.accepted(STANDARD))
                .as("nothing was submitted by this replica")
                .isZero();
    }

    /**
     * A status wait on that row waits for the submit's outcome (here: fal refused it, and replica A wrote FAILED a
     * second later) instead of answering SUBMITTING at once, which left the agent calling status again and again.
     */
    @Test
    void aWaitOnAnotherReplicasSubmitInFlightEndsWithTheSubmitsOutcome() throws Exception {
        try (DefaultJobService jobs = fx.open();
                JdbcJobLedger replicaA = JdbcJobLedger.open(fx.config.ledgerUrl(), fx.clock)) {
            replicaA.insert(JobRecord.submitting("local-replica-a-wait", STANDARD.id(), INPUT), "before submit");
            CompletableFuture<Void> verdict = CompletableFuture.runAsync(() -> {
                sleep(1_000);
                replicaA.update("local-replica-a-wait", b -> b.state(JobState.FAILED), "fal refused the submit");
            });
            long started = System.nanoTime();
            JobView seen = jobs.await("local-replica-a-wait", Duration.ofSeconds(20), StatusListener.NONE);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            verdict.get(5, TimeUnit.SECONDS);
            assertThat(seen.state()).as("the wait saw the submit's outcome").isEqualTo(JobState.FAILED);
            assertThat(took).isGreaterThan(Duration.ofMillis(800)).isLessThan(Duration.ofSeconds(10));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
