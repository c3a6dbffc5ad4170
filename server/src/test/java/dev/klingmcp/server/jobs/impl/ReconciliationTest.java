package dev.klingmcp.server.jobs.impl;

import static dev.klingmcp.server.jobs.impl.JobServiceFixture.STANDARD;
import static dev.klingmcp.server.jobs.impl.JobServiceFixture.standardInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.ResultView;
import dev.klingmcp.server.jobs.SubmitCommand;
import dev.klingmcp.server.jobs.SubmitResult;
import dev.klingmcp.server.ledger.JdbcJobLedger;
import dev.klingmcp.server.ledger.JobRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs fal accepted whose answer never reached the ledger are found again in fal's request history (the mock serves
 * it); jobs fal never got are declared so once the window has passed, and the same idempotency key submits them once.
 */
@Timeout(120)
class ReconciliationTest {

    @TempDir
    Path dir;

    /** One per test: the tests move the ledger's clock, which must stay in step with the mock's. */
    JobServiceFixture fx;

    @BeforeEach
    void startMock() throws Exception {
        fx = new JobServiceFixture(dir);
    }

    @AfterEach
    void stopMock() {
        fx.close();
    }

    @Test
    void aSubmitWhoseAnswerWasLostIsFoundAndTrackedToItsVideo() {
        fx.mock.control().setFaults(FaultPlan.parse("submit=lost"));
        try (DefaultJobService jobs = fx.open()) {
            SubmitCommand cmd = new SubmitCommand(STANDARD, standardInput("answer lost"), null, false, "k-lost");
            String local = null;
            try {
                jobs.submit(cmd);
            } catch (JobException e) {
                local = e.jobId();
                assertThat(e.kind()).isEqualTo(JobException.Kind.UNREACHABLE);
                assertThat(e.retryable()).isFalse();
            }
            assertThat(local).startsWith("local-");
            assertThat(fx.accepted(STANDARD)).isEqualTo(1);

            fx.mock.control().advanceClock(Duration.ofMinutes(1)); // the runner starts it: now in the history
            JobView found = jobs.status(local);
            String requestId = fx.mock.control().jobs().get(0).requestId();
            assertThat(found.requestId()).isEqualTo(requestId);
            assertThat(found.state()).isIn(JobState.QUEUED, JobState.RUNNING);

            SubmitResult retry = jobs.submit(cmd);
            assertThat(retry.reused()).isTrue();
            assertThat(retry.job().requestId()).isEqualTo(requestId);

            fx.mock.control().advanceClock(Duration.ofMinutes(10));
            ResultView video = jobs.result(local, false);
            assertThat(video.outcome()).isEqualTo(ResultView.Outcome.READY);
        }
        assertThat(fx.accepted(STANDARD)).isEqualTo(1);
    }

    @Test
    void aCrashBetweenFalsAcceptAndTheLedgerUpdateIsRecoveredAtStart() throws Exception {
        String input = "{\"prompt\":\"crashed mid-submit\",\"image_url\":\"https://example.com/cat.png\","
                + "\"duration\":\"3\"}";
        try (JdbcJobLedger ledger = JdbcJobLedger.open(fx.config.ledgerUrl(), fx.clock)) {
            ledger.insert(JobRecord.submitting("local-crash-accepted", STANDARD.id(), input), "before submit");
        }
        // Restarted after the submit timeout: until then the row could be another replica's submit in flight.
        fx.clock.advance(fx.config.timeouts().submit().plusSeconds(1));
        // fal got the POST; the process died before it could record the answer.
        HttpResponse<String> accepted = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(fx.mock.baseUrl() + "/" + STANDARD.id()))
                                .header("Authorization", "Key " + JobServiceFixture.KEY)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(input))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).isEqualTo(200);
        fx.mock.control().advanceClock(Duration.ofMinutes(1));
        String requestId = fx.mock.control().jobs().get(0).requestId();

        try (DefaultJobService jobs = fx.open()) {
            JobView v = awaitVerdict(jobs, "local-crash-accepted");
            assertThat(v.requestId()).isEqualTo(requestId);
            fx.mock.control().advanceClock(Duration.ofMinutes(10));
            assertThat(jobs.result("local-crash-accepted", false).outcome()).isEqualTo(ResultView.Outcome.READY);
        }
        assertThat(fx.accepted(STANDARD)).isEqualTo(1);
    }

    @Test
    void aSubmitFalNeverGotIsFailedAfterTheWindowAndTheSameKeySubmitsItOnce() {
        fx.mock.control().setFaults(FaultPlan.parse("submit=reset"));
        try (DefaultJobService jobs = fx.open()) {
            SubmitCommand cmd = new SubmitCommand(STANDARD, standardInput("never arrived"), null, false, "k-never");
            assertThatThrownBy(() -> jobs.submit(cmd)).isInstanceOf(JobException.class);
            SubmitResult early = jobs.submit(cmd);
            assertThat(early.reused()).isTrue();
            assertThat(early.job().state()).isEqualTo(JobState.UNKNOWN);
            assertThat(early.job().error().message()).contains("does not list this job yet");
            assertThat(fx.accepted(STANDARD)).isZero();

            fx.clock.advance(fx.config.timeouts().notAcceptedAfter().plusMinutes(1));
            SubmitResult again = jobs.submit(cmd);
            assertThat(again.reused()).isFalse();
            assertThat(again.job().requestId()).isNotNull();
            assertThat(jobs.find(early.job().localId()).orElseThrow().state()).isEqualTo(JobState.FAILED);
            assertThat(jobs.find(early.job().localId()).orElseThrow().error().errorType())
                    .isEqualTo(Reconciler.NOT_ACCEPTED);

            SubmitResult third = jobs.submit(cmd);
            assertThat(third.reused()).isTrue();
            assertThat(third.job().requestId()).isEqualTo(again.job().requestId());
        }
        assertThat(fx.accepted(STANDARD)).isEqualTo(1);
    }

    private static JobView awaitVerdict(DefaultJobService jobs, String id) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            JobView v = jobs.find(id).orElseThrow();
            if (v.requestId() != null || v.state() == JobState.FAILED) {
                return v;
            }
            Thread.sleep(50);
        }
        return jobs.status(id);
    }
}
