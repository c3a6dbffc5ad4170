package dev.klingmcp.server.jobs.impl;

import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway;
import dev.klingmcp.server.fal.FalStatus;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.LogLine;
import dev.klingmcp.server.jobs.StatusListener;
import dev.klingmcp.server.jobs.StatusUpdate;
import dev.klingmcp.server.ledger.JobLedger;
import dev.klingmcp.server.ledger.JobRecord;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a ledger row up to date with fal: a verdict for a row whose submit answer was lost, one status read (or a
 * status stream while a client waits) for an unfinished job, and the result fetched once fal completed it.
 */
final class JobRefresher {

    private static final Logger LOG = LoggerFactory.getLogger(JobRefresher.class);

    private final JobRows rows;
    private final JobLedger ledger;
    private final FalGateway gateway;
    private final Reconciler reconciler;
    private final ResultFetcher results;
    private final JobViews views;

    JobRefresher(
            JobRows rows,
            JobLedger ledger,
            FalGateway gateway,
            Reconciler reconciler,
            ResultFetcher results,
            JobViews views) {
        this.rows = rows;
        this.ledger = ledger;
        this.gateway = gateway;
        this.reconciler = reconciler;
        this.results = results;
        this.views = views;
    }

    /** A row without fal's request id and not being submitted here is looked for in fal's history first. */
    JobRecord reconciled(JobRecord r) {
        r = rows.unstuck(r);
        if (Reconciler.needsVerdict(r) && !rows.inFlight(r.localId())) {
            return reconciler.reconcile(r);
        }
        return r;
    }

    /** One status read from fal for an unfinished job, applied to the ledger; finished jobs come from the ledger only. */
    JobRecord refresh(JobRecord r) {
        r = reconciled(r);
        if (r.state().isTerminal() || r.requestId() == null) {
            return r;
        }
        FalEndpoint e = rows.endpoint(r);
        if ("COMPLETED".equals(r.falStatus())) {
            return results.settle(r, e);
        }
        FalStatus s;
        try {
            s = gateway.status(e, r.requestId(), true);
        } catch (FalException failure) {
            if (failure.kind() == FalException.Kind.HTTP && failure.status() == 404) {
                return unknownToFal(r);
            }
            throw Failures.fromFal(
                            "reading the status of " + r.publicId() + " (last known: " + r.state() + ")", failure)
                    .forJob(r.publicId());
        }
        JobRecord after = ledger.update(r.localId(), b -> FalStatusMapping.apply(b, s), "fal status " + s.rawStatus())
                .orElseThrow();
        return s.completedWithoutError() ? results.settle(after, e) : after;
    }

    /** fal answers 404: after a cancel that means the job was removed; otherwise fal no longer keeps it. */
    private JobRecord unknownToFal(JobRecord r) {
        if (LedgerJson.options(r.optionsJson()).hasNonNull("cancel_requested_at")) {
            return ledger.update(r.localId(), b -> b.state(JobState.CANCELLED), "removed by fal after the cancel")
                    .orElseThrow();
        }
        throw JobException.falError(
                        "fal no longer knows request " + r.requestId()
                                + " (it keeps requests for a limited time); last known state: " + r.state(),
                        404,
                        null)
                .forJob(r.publicId())
                .retryable(false);
    }

    /** Follows fal's status stream for up to {@code max}, recording and reporting every change. */
    JobView await(String jobId, Duration max, StatusListener listener) {
        JobRecord r = rows.unstuck(rows.require(jobId));
        if (r.state().isTerminal() || r.requestId() == null || "COMPLETED".equals(r.falStatus())) {
            return views.view(refresh(r));
        }
        FalEndpoint e = rows.endpoint(r);
        String localId = r.localId();
        Set<LogLine> seen = new HashSet<>(LedgerJson.logs(r.logsJson()));
        AtomicInteger sequence = new AtomicInteger();
        AtomicReference<FalStatus> last = new AtomicReference<>();
        try {
            gateway.streamStatus(e, r.requestId(), max, s -> {
                last.set(s);
                JobRecord after = ledger.update(
                                localId, b -> FalStatusMapping.apply(b, s), "fal status " + s.rawStatus())
                        .orElseThrow();
                List<LogLine> fresh =
                        FalStatusMapping.logs(s).stream().filter(seen::add).toList();
                notify(listener, new StatusUpdate(views.view(after), fresh, sequence.incrementAndGet()));
            });
        } catch (FalException streamFailed) {
            LOG.warn(
                    "status stream of {} failed ({}); reading the status once instead",
                    r.publicId(),
                    streamFailed.getMessage());
            return views.view(refresh(rows.require(localId)));
        }
        JobRecord now = rows.require(localId);
        return views.view(last.get() != null && last.get().completedWithoutError() ? results.settle(now, e) : now);
    }

    private static void notify(StatusListener listener, StatusUpdate update) {
        try {
            listener.onUpdate(update);
        } catch (RuntimeException e) {
            // A listener (e.g. a client that went away) must not stop us from recording fal's progress.
            LOG.warn("status listener failed: {}", e.toString());
        }
    }
}
