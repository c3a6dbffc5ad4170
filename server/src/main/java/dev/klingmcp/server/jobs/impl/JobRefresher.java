package dev.klingmcp.server.jobs.impl;

import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.server.fal.CallDeadline;
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
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a ledger row up to date with fal: a verdict for a row whose submit answer was lost, one status read (or a
 * status stream while a client waits) for an unfinished job, and the result fetched once fal completed it. Waits,
 * watches and background following of one job share one {@link JobFollowers follower}.
 */
final class JobRefresher {

    private static final Logger LOG = LoggerFactory.getLogger(JobRefresher.class);

    /**
     * How long a job's shared follower stays after its last waiter left: longer than an agent takes between two
     * {@code status} calls of a polling loop, so a long job keeps one stream across them.
     */
    static final Duration FOLLOW_LINGER = Duration.ofSeconds(90);

    /** The longest one stream connection is held before it is reopened (a Kling job takes minutes). */
    static final Duration FOLLOW_MAX = Duration.ofMinutes(30);

    /** How often a wait re-reads the row of a submit still waiting for fal's answer. */
    static final Duration SUBMIT_ANSWER_POLL = Duration.ofMillis(250);

    private final JobRows rows;
    private final JobLedger ledger;
    private final FalGateway gateway;
    private final Reconciler reconciler;
    private final ResultFetcher results;
    private final JobViews views;
    private final JobFollowers followers;
    private final FollowerHooks hooks = new FollowerHooks();

    JobRefresher(
            JobRows rows,
            JobLedger ledger,
            FalGateway gateway,
            Reconciler reconciler,
            ResultFetcher results,
            JobViews views,
            JobFollowers.Limits limits) {
        this.rows = rows;
        this.ledger = ledger;
        this.gateway = gateway;
        this.reconciler = reconciler;
        this.results = results;
        this.views = views;
        this.followers = new JobFollowers(gateway, hooks, FOLLOW_LINGER, FOLLOW_MAX, limits);
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

    /**
     * Waits up to {@code max} for changes, reporting every one: on the job's shared follower when it can have a
     * stream, else on a stream of its own.
     */
    JobView await(String jobId, Duration wait, StatusListener listener) {
        long endNanos = System.nanoTime() + wait.toNanos();
        JobRecord r = awaitSubmitAnswer(rows.unstuck(rows.require(jobId)), endNanos);
        Duration max = Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
        if (r.state().isTerminal() || r.requestId() == null || "COMPLETED".equals(r.falStatus())) {
            return views.view(refresh(r));
        }
        FalEndpoint e = rows.endpoint(r);
        String localId = r.localId();
        Set<LogLine> seen = Collections.synchronizedSet(new HashSet<>(LedgerJson.logs(r.logsJson())));
        AtomicInteger sequence = new AtomicInteger();
        JobFollowers.End end = followers.await(r, e, max, (after, event) -> {
            List<LogLine> lines = event != null ? FalStatusMapping.logs(event) : LedgerJson.logs(after.logsJson());
            List<LogLine> fresh = lines.stream().filter(seen::add).toList();
            notify(listener, new StatusUpdate(views.view(after), fresh, sequence.incrementAndGet()));
        });
        return switch (end) {
            case COMPLETED, TIME_UP -> views.view(rows.require(localId));
            case STREAM_ENDED -> views.view(refresh(rows.require(localId)));
            case UNAVAILABLE -> awaitAlone(r, e, max, listener);
        };
    }

    /**
     * A row SUBMITTING without a request id is a submit still waiting for fal's answer (here or in another replica):
     * the wait is spent watching the row until fal's answer (or the verdict on a lost one) is written, instead of
     * answering at once and leaving the agent to call again and again while fal is slow to accept.
     */
    private JobRecord awaitSubmitAnswer(JobRecord r, long endNanos) {
        while (r.state() == JobState.SUBMITTING && r.requestId() == null && !CallDeadline.cancelledHere()) {
            long leftMillis = TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime());
            if (leftMillis <= 0) {
                break;
            }
            try {
                Thread.sleep(Math.min(SUBMIT_ANSWER_POLL.toMillis(), leftMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            r = rows.unstuck(rows.require(r.localId()));
        }
        return r;
    }

    /**
     * Follows the job until it finishes or the returned handle is run, reporting every change (sequence numbers per
     * watch) and running {@code ended} once when following stops; null when the job is finished or not followable.
     */
    Runnable watch(String jobId, StatusListener listener, Runnable ended) {
        JobRecord r = rows.unstuck(rows.require(jobId));
        if (r.state().isTerminal() || r.requestId() == null) {
            return null;
        }
        Set<LogLine> seen = Collections.synchronizedSet(new HashSet<>(LedgerJson.logs(r.logsJson())));
        AtomicInteger sequence = new AtomicInteger();
        return followers.watch(
                r,
                rows.endpoint(r),
                (after, event) -> {
                    List<LogLine> lines =
                            event != null ? FalStatusMapping.logs(event) : LedgerJson.logs(after.logsJson());
                    List<LogLine> fresh = lines.stream().filter(seen::add).toList();
                    notify(listener, new StatusUpdate(views.view(after), fresh, sequence.incrementAndGet()));
                },
                ended);
    }

    /** Keeps the job followed for at least {@code howLong}, whether or not anyone waits; false when it cannot be. */
    boolean keep(JobRecord r, Duration howLong) {
        return !r.state().isTerminal() && r.requestId() != null && followers.keep(r, rows.endpoint(r), howLong);
    }

    /**
     * Whether the ledger row is as fresh as asking fal would make it: a stream follows the job now, or fal is to call
     * back when the job ends (a webhook) and has not been silent for long.
     */
    boolean freshWithoutAsking(JobRecord r) {
        return followers.streaming(r.localId()) || !hooks.quietFor(r).isZero();
    }

    JobFollowers followers() {
        return followers;
    }

    /** A wait on a stream of its own: when every stream of the shared followers is taken. */
    private JobView awaitAlone(JobRecord r, FalEndpoint e, Duration max, StatusListener listener) {
        String localId = r.localId();
        Set<LogLine> seen = new HashSet<>(LedgerJson.logs(r.logsJson()));
        AtomicInteger sequence = new AtomicInteger();
        AtomicReference<FalStatus> last = new AtomicReference<>();
        try {
            gateway.streamStatus(e, r.requestId(), max, s -> {
                last.set(s);
                JobRecord after = applyEvent(localId, s);
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

    /** One event of fal's status stream, recorded. */
    private JobRecord applyEvent(String localId, FalStatus s) {
        return ledger.update(localId, b -> FalStatusMapping.apply(b, s), "fal status " + s.rawStatus())
                .orElseThrow();
    }

    /** How the shared followers record what they learn. */
    private final class FollowerHooks implements JobFollowers.Hooks {
        @Override
        public JobRecord apply(String localId, FalStatus event) {
            return applyEvent(localId, event);
        }

        @Override
        public JobRecord completed(String localId, FalStatus last) {
            JobRecord now = rows.require(localId);
            return last != null && last.completedWithoutError() ? results.settle(now, rows.endpoint(now)) : now;
        }

        @Override
        public JobRecord poll(String localId) {
            return refresh(rows.require(localId));
        }

        @Override
        public JobRecord read(String localId) {
            return rows.require(localId);
        }

        @Override
        public Duration quietFor(JobRecord r) {
            Quiet q = quiet;
            if (q == null
                    || !q.webhookUrl()
                            .equals(LedgerJson.options(r.optionsJson())
                                    .path("webhook_url")
                                    .asText(null))) {
                // No webhook, or the agent's own: fal calls back somebody else, so only asking fal tells us news.
                return Duration.ZERO;
            }
            java.time.Instant since = r.updatedAt() != null ? r.updatedAt() : r.createdAt();
            Duration left = Duration.between(q.clock().instant(), since.plus(q.period()));
            // A Kling job runs for minutes: silence is only suspicious once its typical time is over, plus the period.
            Duration eta = views.view(r).eta();
            if (eta != null && eta.plus(q.period()).compareTo(left) > 0) {
                left = eta.plus(q.period());
            }
            return left.isNegative() ? Duration.ZERO : left;
        }
    }

    /**
     * fal calls {@code webhookUrl} back when a job submitted with it ends: such a job is not asked about until
     * {@code period} of silence.
     */
    private record Quiet(Duration period, String webhookUrl, java.time.Clock clock) {}

    private volatile Quiet quiet;

    /**
     * This process receives fal's webhooks at {@code webhookUrl}: jobs submitted with that URL are followed upstream
     * only after long silence.
     */
    void expectWebhooks(Duration period, String webhookUrl, java.time.Clock clock) {
        quiet = period.isZero() || webhookUrl == null ? null : new Quiet(period, webhookUrl, clock);
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
