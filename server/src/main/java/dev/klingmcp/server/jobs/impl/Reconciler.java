package dev.klingmcp.server.jobs.impl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway;
import dev.klingmcp.server.fal.FalGateway.SentRequest;
import dev.klingmcp.server.jobs.JobError;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.ledger.JobLedger;
import dev.klingmcp.server.ledger.JobQuery;
import dev.klingmcp.server.ledger.JobRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds jobs whose submit answer was lost (a crash between the ledger write and fal's answer, or a connection that
 * broke after the request was sent) in fal's request history, by the exact input the ledger recorded before the
 * submit. fal has no idempotent submit and no way to prove a request was not received, so the verdicts are:
 *
 * <ul>
 *   <li>found: the row adopts fal's request id and is tracked like any other job (the earliest match wins; more than
 *       one match means a duplicate submit happened somewhere, and the row says so);</li>
 *   <li>not found for {@link #notFoundAfter} after the submit started: FAILED as "not accepted by fal", and its
 *       idempotency key is freed so that the same command can be submitted again (once);</li>
 *   <li>not found yet, or the history cannot be read: UNKNOWN with the reason and when it is checked again.</li>
 * </ul>
 */
final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    /** fal's and our clocks disagree a little; a request is looked for from this long before the row was written. */
    static final Duration CLOCK_SLACK = Duration.ofMinutes(5);

    /** error_type of a row the history showed fal never accepted. */
    static final String NOT_ACCEPTED = "not_accepted_by_fal";

    /** Most history items read per check: far more than one account sends to one endpoint in the window. */
    private static final int MAX_ITEMS = 2000;

    private final JobLedger ledger;
    private final FalGateway gateway;
    private final FalEndpoints registry;
    private final Clock clock;
    private final Duration notFoundAfter;

    /**
     * How long after its row was written a SUBMITTING row may still be a submit in flight in some process: the submit
     * timeout. Several replicas share one ledger and each runs this reconciler, and a replica cannot see another's
     * in-flight set; judging such a row would mark a healthy submit UNKNOWN (and, once fal answers, make the two
     * replicas race on the row). The row's own timestamps decide instead of an owner column or a row lock: the row is
     * written right before the submit starts and a submit never outlives this timeout, the same bound the start-up
     * recovery uses to call a SUBMITTING row interrupted, and a lock held across fal's network call would pin a pooled
     * connection per submit. The price is that a row a crash left SUBMITTING waits out the timeout before it is looked
     * for at fal, which is harmless: it is reported SUBMITTING meanwhile and nothing resubmits it.
     */
    private final Duration submitWindow;

    /** Rows not to judge (submits in flight in this process); consulted again inside every ledger update. */
    private volatile Predicate<JobRecord> skip = r -> false;

    /** How often open rows are checked again in the background. */
    static final Duration PERIOD = Duration.ofMinutes(1);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kling-reconcile");
        t.setDaemon(true);
        return t;
    });

    Reconciler(
            JobLedger ledger,
            FalGateway gateway,
            FalEndpoints registry,
            Clock clock,
            Duration notFoundAfter,
            Duration submitWindow) {
        this.ledger = ledger;
        this.gateway = gateway;
        this.registry = registry;
        this.clock = clock;
        this.notFoundAfter = notFoundAfter;
        this.submitWindow = submitWindow;
    }

    /** A SUBMITTING row young enough to be a submit still in flight, in this process or another replica. */
    boolean maybeInFlight(JobRecord r) {
        return r.state() == JobState.SUBMITTING
                && r.createdAt().plus(submitWindow).isAfter(clock.instant());
    }

    /** Checks the open rows now (in the background) and then every {@link #PERIOD}, skipping what {@code skip} says. */
    void start(Predicate<JobRecord> skip) {
        this.skip = skip;
        // Stopped by shutting the timer down; each round catches its own failures, so the future has nothing to say.
        java.util.concurrent.ScheduledFuture<?> unused = timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        int decided = reconcileAll(skip);
                        if (decided > 0) {
                            LOG.info("reconciliation: {} job(s) found at fal or settled as not accepted", decided);
                        }
                    } catch (RuntimeException e) {
                        // A closed ledger at shutdown, a bug: the next round tries again.
                        LOG.warn("reconciliation round failed: {}", e.toString());
                    }
                },
                0,
                PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    void close() {
        timer.shutdownNow();
    }

    /** Rows that need a verdict: no request id, and SUBMITTING or UNKNOWN. */
    static boolean needsVerdict(JobRecord r) {
        return r.requestId() == null && (r.state() == JobState.SUBMITTING || r.state() == JobState.UNKNOWN);
    }

    /** Needs a verdict and is not being submitted right now. */
    private boolean open(JobRecord current) {
        return needsVerdict(current) && !skip.test(current) && !maybeInFlight(current);
    }

    /**
     * Checks every row {@link #needsVerdict needing a verdict} that {@code skip} does not exclude (submits in flight in
     * this process) and that is not {@link #maybeInFlight} in another; returns how many got one (found or not accepted).
     */
    int reconcileAll(Predicate<JobRecord> skip) {
        List<JobRecord> open =
                ledger.list(new JobQuery(EnumSet.of(JobState.SUBMITTING, JobState.UNKNOWN), null, null, 500)).stream()
                        .filter(Reconciler::needsVerdict)
                        .filter(skip.negate())
                        .filter(r -> !maybeInFlight(r))
                        .toList();
        int decided = 0;
        for (JobRecord r : open) {
            JobRecord after = reconcile(r);
            if (after.requestId() != null || after.state() == JobState.FAILED) {
                decided++;
            }
        }
        return decided;
    }

    /** One row: looked up in fal's history and updated with the verdict; returns the row as it is now. */
    JobRecord reconcile(JobRecord r) {
        if (!needsVerdict(r) || maybeInFlight(r)) {
            return r;
        }
        Optional<FalEndpoint> endpoint = registry.find(r.model());
        if (endpoint.isEmpty()) {
            return r;
        }
        JsonNode body = LedgerJson.options(r.optionsJson()).get("sent_body");
        JsonNode input = LedgerJson.canonical(body != null && body.isObject() ? body : LedgerJson.tree(r.inputJson()));
        Instant sent = r.createdAt();
        List<SentRequest> history;
        try {
            history = gateway.requestsSince(endpoint.get(), sent.minus(CLOCK_SLACK), MAX_ITEMS);
        } catch (FalException e) {
            LOG.warn("cannot check fal's request history for {}: {}", r.localId(), e.getMessage());
            return unknown(
                    r,
                    "fal's request history could not be read (" + e.getMessage() + "), so whether fal accepted this"
                            + " job is unknown. It is checked again every minute; check fal's dashboard before generating"
                            + " again.");
        }
        List<SentRequest> matches = history.stream()
                .filter(h ->
                        h.input() != null && LedgerJson.canonical(h.input()).equals(input))
                .filter(h -> h.sentAt() == null || !h.sentAt().isBefore(sent.minus(CLOCK_SLACK)))
                .filter(h -> ledger.find(h.requestId()).isEmpty())
                .sorted(Comparator.comparing(SentRequest::sentAt, Comparator.nullsLast(Comparator.naturalOrder())))
                .toList();
        if (!matches.isEmpty()) {
            return adopt(r, matches);
        }
        Instant giveUp = sent.plus(notFoundAfter);
        if (!clock.instant().isBefore(giveUp)) {
            return notAccepted(r);
        }
        return unknown(
                r,
                "fal's request history does not list this job yet. fal lists a"
                        + " request once a runner starts it, so a job still waiting in fal's queue is not visible."
                        + " It is checked again every minute until " + giveUp + "; if fal has not listed it by then it"
                        + " is marked FAILED (not accepted, not billed). Do not generate it again before that.");
    }

    private JobRecord adopt(JobRecord r, List<SentRequest> matches) {
        SentRequest first = matches.get(0);
        String note = matches.size() == 1
                ? "found in fal's request history as " + first.requestId()
                : "found in fal's request history as " + first.requestId() + "; fal also lists "
                        + (matches.size() - 1) + " more request(s) with the same input sent since ("
                        + String.join(
                                ", ",
                                matches.subList(1, matches.size()).stream()
                                        .map(SentRequest::requestId)
                                        .toList())
                        + "): a duplicate submit, billed separately";
        LOG.info("{}: {}", r.localId(), note);
        JobRecord adopted = ledger.update(
                        r.localId(),
                        b -> open(b.current())
                                ? b.requestId(first.requestId())
                                        .state(JobState.QUEUED)
                                        .falStatus("IN_QUEUE")
                                        .error(
                                                matches.size() == 1
                                                        ? null
                                                        : LedgerJson.write(
                                                                new JobError(note, "duplicate_submit", 0, null)))
                                : b,
                        note)
                .orElse(r);
        registry.find(adopted.model()).ifPresent(e -> JobCanceller.cancelIfRequested(adopted, e, gateway));
        return adopted;
    }

    private JobRecord notAccepted(JobRecord r) {
        String message = "fal's request history has no request with this job's input sent since " + r.createdAt()
                + " (checked until " + clock.instant() + "), so fal did not accept it: nothing was queued or billed."
                + " Calling generate again (also with the same idempotency_key) submits it anew.";
        LOG.info("{}: {}", r.localId(), message);
        return ledger.update(
                        r.localId(),
                        b -> open(b.current())
                                ? b.state(JobState.FAILED)
                                        .idempotencyKey(null)
                                        .error(LedgerJson.write(new JobError(message, NOT_ACCEPTED, 0, null)))
                                : b,
                        "not accepted by fal (absent from its request history)")
                .orElse(r);
    }

    private JobRecord unknown(JobRecord r, String why) {
        return ledger.update(
                        r.localId(),
                        b -> open(b.current())
                                ? b.state(JobState.UNKNOWN)
                                        .error(LedgerJson.write(new JobError(why, "submit_outcome_unknown", 0, null)))
                                : b,
                        "reconciliation: still unknown")
                .orElse(r);
    }
}
