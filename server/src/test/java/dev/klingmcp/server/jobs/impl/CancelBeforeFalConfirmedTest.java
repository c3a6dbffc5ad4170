package dev.klingmcp.server.jobs.impl;

import static dev.klingmcp.server.jobs.impl.JobServiceFixture.STANDARD;
import static dev.klingmcp.server.jobs.impl.JobServiceFixture.standardInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.mock.queue.JobSnapshot;
import dev.klingmcp.server.jobs.CancelView;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobFilter;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.SubmitCommand;
import dev.klingmcp.server.jobs.SubmitResult;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A cancel while fal has not yet answered the submit: fal may accept the job a moment later, and then it would run and
 * be billed although the person cancelled it. The cancel is recorded, and sent to fal as soon as the submit's answer
 * names the request.
 */
@Timeout(60)
class CancelBeforeFalConfirmedTest {

    @RegisterExtension
    static final JobServiceFixture fx = JobServiceFixture.perClass();

    @Test
    void aCancelDuringTheSubmitIsSentToFalOnceFalAcceptedTheJob() throws Exception {
        // fal queues the job at once but its answer takes 2 s.
        fx.mock.control().setFaults(FaultPlan.parse("submit=hold:2000"));
        DefaultJobService jobs = fx.openForTest();
        CompletableFuture<SubmitResult> submit = CompletableFuture.supplyAsync(
                () -> jobs.submit(SubmitCommand.of(STANDARD, standardInput("cancelled while fal answers"))));
        JobView submitting = awaitSubmitting(jobs);

        CancelView cancel = jobs.cancel(submitting.localId());
        assertThat(cancel.outcome()).isEqualTo(CancelView.Outcome.CANCELLATION_REQUESTED);
        assertThat(cancel.message()).contains("sent to fal as soon as");

        String requestId = submit.get(20, TimeUnit.SECONDS).job().requestId();
        assertThat(requestId).isNotNull();
        Optional<JobSnapshot> atFal = fx.mock.control().job(requestId);
        assertThat(atFal).isPresent();
        assertThat(atFal.get().cancelled())
                .as("fal got the cancel once it had accepted the job: %s", atFal.get())
                .isTrue();
    }

    @Test
    void aCancelOfAJobWhoseSubmitAnswerWasLostIsSentWhenFalsHistoryShowsTheJob() {
        DefaultJobService jobs = fx.openForTest();
        // fal queues the job, then the connection breaks before its answer: the job is UNKNOWN here.
        fx.mock.control().setFaults(FaultPlan.parse("submit=lost"));
        assertThatThrownBy(() -> jobs.submit(SubmitCommand.of(STANDARD, standardInput("answer lost, then cancelled"))))
                .isInstanceOf(JobException.class);
        JobView unknown = jobs.list(new JobFilter(Set.of(JobState.UNKNOWN), null, null, 10)).jobs().stream()
                .findFirst()
                .orElseThrow();

        CancelView cancel = jobs.cancel(unknown.localId());
        assertThat(cancel.outcome()).isEqualTo(CancelView.Outcome.CANCELLATION_REQUESTED);

        // Once a runner picks the job up, fal's request history lists it, and a status call finds it there.
        JobView found = jobs.status(unknown.localId());
        for (int i = 0; i < 60 && found.requestId() == null; i++) {
            fx.mock.control().advanceClock(Duration.ofSeconds(2));
            fx.clock.advance(Duration.ofMinutes(1));
            found = jobs.status(unknown.localId());
        }
        assertThat(found.requestId()).as("found in fal's history: %s", found).isNotNull();
        assertThat(fx.mock.control().job(found.requestId()).orElseThrow().cancelled())
                .as("fal got the cancel asked before the job was found")
                .isTrue();
    }

    private static JobView awaitSubmitting(DefaultJobService jobs) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Optional<JobView> row = jobs.list(JobFilter.all()).jobs().stream()
                    .filter(j -> j.state() == JobState.SUBMITTING)
                    .findFirst();
            if (row.isPresent()) {
                return row.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no SUBMITTING row appeared");
    }
}
