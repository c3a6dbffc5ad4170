package dev.klingmcp.server.jobs.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway;
import dev.klingmcp.server.jobs.CancelView;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.ledger.JobLedger;
import dev.klingmcp.server.ledger.JobRecord;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cancel}: only a job fal confirmed can be cancelled there (a row whose submit answer was lost is looked for in
 * fal's history first); the request is recorded so that fal's later 404 for the job reads as "removed after the
 * cancel", not as a lost job, and so that a job fal had not confirmed yet is cancelled once it is.
 */
final class JobCanceller {

    private static final Logger LOG = LoggerFactory.getLogger(JobCanceller.class);

    /** The ledger option that records a caller's cancel (the job's options JSON). */
    static final String CANCEL_REQUESTED_AT = "cancel_requested_at";

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
        if (r.requestId() == null && (r.state() == JobState.SUBMITTING || r.state() == JobState.UNKNOWN)) {
            // fal may still accept it (a submit waiting for its answer, or one whose answer was lost): the cancel is
            // recorded, and sent to fal by whoever learns fal's request id.
            JobRecord marked = markCancelRequested(r);
            if (marked.requestId() == null) {
                return new CancelView(
                        views.view(marked),
                        CancelView.Outcome.CANCELLATION_REQUESTED,
                        "fal has not confirmed this job yet (" + marked.state() + "): the cancel is recorded and sent"
                                + " to fal as soon as it does; if fal never accepted it, nothing was billed.");
            }
            r = marked; // fal's answer came meanwhile
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

    private JobRecord markCancelRequested(JobRecord r) {
        String at = clock.instant().toString();
        return ledger.update(
                        r.localId(),
                        b -> {
                            ObjectNode options = LedgerJson.options(b.current().optionsJson());
                            options.put(CANCEL_REQUESTED_AT, at);
                            return b.options(LedgerJson.write(options));
                        },
                        "cancel requested")
                .orElseThrow();
    }

    /**
     * Sends the cancel a caller asked for while fal had not yet confirmed the job, now that {@code accepted} has fal's
     * request id (the submit's answer came, or the job was found in fal's history). Best effort: a failure is logged,
     * and the job is then followed like any other.
     */
    static void cancelIfRequested(JobRecord accepted, FalEndpoint e, FalGateway gateway) {
        if (accepted.requestId() == null
                || !LedgerJson.options(accepted.optionsJson()).hasNonNull(CANCEL_REQUESTED_AT)) {
            return;
        }
        try {
            LOG.info(
                    "{}: cancelling {} at fal, as asked before fal confirmed it: {}",
                    accepted.localId(),
                    accepted.requestId(),
                    gateway.cancel(e, accepted.requestId()));
        } catch (RuntimeException failure) {
            LOG.warn(
                    "{}: the cancel asked before fal confirmed it could not be sent: {}",
                    accepted.localId(),
                    failure.toString());
        }
    }

    private CancelView cancelRequested(JobRecord r) {
        JobRecord marked = markCancelRequested(r);
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
