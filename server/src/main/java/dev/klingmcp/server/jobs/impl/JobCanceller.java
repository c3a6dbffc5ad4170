package dev.klingmcp.server.jobs.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway;
import dev.klingmcp.server.jobs.CancelView;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.ledger.JobLedger;
import dev.klingmcp.server.ledger.JobRecord;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code cancel}: only a job fal confirmed can be cancelled there (a row whose submit answer was lost is looked for in
 * fal's history first); the request is recorded so that fal's later 404 for the job reads as "removed after the
 * cancel", not as a lost job.
 */
final class JobCanceller {

    private final JobRows rows;
    private final JobLedger ledger;
    private final FalGateway gateway;
    private final JobRefresher refresher;
    private final JobViews views;
    private final Clock clock;

    JobCanceller(
            JobRows rows, JobLedger ledger, FalGateway gateway, JobRefresher refresher, JobViews views, Clock clock) {
        this.rows = rows;
        this.ledger = ledger;
        this.gateway = gateway;
        this.refresher = refresher;
        this.views = views;
        this.clock = clock;
    }

    CancelView cancel(String jobId) {
        Optional<JobRecord> found = ledger.find(jobId);
        if (found.isEmpty()) {
            return new CancelView(null, CancelView.Outcome.NOT_FOUND, "No job with id " + jobId + " in the ledger.");
        }
        JobRecord r = refresher.reconciled(found.get());
        if (r.state().isTerminal() && r.state() != JobState.UNKNOWN) {
            return new CancelView(
                    views.view(r),
                    CancelView.Outcome.ALREADY_COMPLETED,
                    "The job already finished (" + r.state() + "); nothing to cancel.");
        }
        if (r.requestId() == null) {
            return new CancelView(
                    views.view(r),
                    CancelView.Outcome.NOT_FOUND,
                    "fal never confirmed this job (" + r.state() + "), so there is nothing to cancel there.");
        }
        FalGateway.FalCancel answer;
        try {
            answer = gateway.cancel(rows.endpoint(r), r.requestId());
        } catch (FalException failure) {
            throw Failures.fromFal("cancelling " + r.publicId(), failure).forJob(r.publicId());
        }
        return switch (answer) {
            case CANCELLATION_REQUESTED -> cancelRequested(r);
            case ALREADY_COMPLETED -> new CancelView(
                    views.view(refresher.refresh(r)),
                    CancelView.Outcome.ALREADY_COMPLETED,
                    "fal says the job already completed; fetch it with result.");
            case NOT_FOUND -> new CancelView(
                    views.view(r),
                    CancelView.Outcome.NOT_FOUND,
                    "fal does not know request " + r.requestId() + " (it may have expired).");
        };
    }

    private CancelView cancelRequested(JobRecord r) {
        ObjectNode options = LedgerJson.options(r.optionsJson());
        options.put("cancel_requested_at", clock.instant().toString());
        JobRecord marked = ledger.update(r.localId(), b -> b.options(LedgerJson.write(options)), "cancel requested")
                .orElseThrow();
        JobRecord after;
        try {
            after = refresher.refresh(marked);
        } catch (JobException statusUnavailable) {
            after = marked;
        }
        String message = after.state() == JobState.CANCELLED
                ? "Cancelled."
                : "fal sent a cancel signal to the running job; it may still finish. Check status.";
        return new CancelView(views.view(after), CancelView.Outcome.CANCELLATION_REQUESTED, message);
    }
}
