package dev.klingmcp.server.jobs.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.openapi.InputValidator;
import dev.klingmcp.openapi.Violation;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.fal.CallDeadline;
import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway;
import dev.klingmcp.server.fal.FalStatus;
import dev.klingmcp.server.fal.impl.HttpFalGateway;
import dev.klingmcp.server.jobs.CancelView;
import dev.klingmcp.server.jobs.CostEstimate;
import dev.klingmcp.server.jobs.JobError;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobFilter;
import dev.klingmcp.server.jobs.JobList;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.LogLine;
import dev.klingmcp.server.jobs.ResultView;
import dev.klingmcp.server.jobs.StatusListener;
import dev.klingmcp.server.jobs.StatusUpdate;
import dev.klingmcp.server.jobs.SubmitCommand;
import dev.klingmcp.server.jobs.SubmitResult;
import dev.klingmcp.server.jobs.UploadView;
import dev.klingmcp.server.jobs.VideoFile;
import dev.klingmcp.server.ledger.JdbcJobLedger;
import dev.klingmcp.server.ledger.JobLedger;
import dev.klingmcp.server.ledger.JobQuery;
import dev.klingmcp.server.ledger.JobRecord;
import dev.klingmcp.server.ledger.LedgerException;
import dev.klingmcp.server.ledger.LedgerTotals;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link JobService}: SQLite ledger + fal gateway. Every fal exchange is bracketed by ledger writes, the
 * first of them (SUBMITTING) before the submit POST, so no job can be lost to a crash or a client that gave up waiting.
 */
public final class DefaultJobService implements JobService {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultJobService.class);

    private final JobLedger ledger;
    private final FalGateway gateway;
    private final FalEndpoints registry;
    private final PriceTable prices;
    private final Clock clock;
    private final Duration submitTimeout;
    private final Duration toolCallDeadline;
    private final JobViews views;
    private final ResultFetcher results;
    private final UploadPolicy uploads;
    private final UrlPolicy urls;
    private final Reconciler reconciler;
    /** Local ids whose submit is in progress in this process: never declared UNKNOWN while we still wait for fal. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    public DefaultJobService(
            ServerConfig config, JobLedger ledger, FalGateway gateway, FalEndpoints registry, Clock clock) {
        this.ledger = ledger;
        this.gateway = gateway;
        this.registry = registry;
        this.clock = clock;
        this.prices = PriceTable.load(registry, config.priceFile());
        this.submitTimeout = config.timeouts().submit();
        this.toolCallDeadline = config.timeouts().toolCall();
        this.views = new JobViews(clock, id -> registry.find(id).orElse(null), config.etaTimeScale());
        this.results = new ResultFetcher(gateway, ledger, config.outputDir());
        this.uploads = new UploadPolicy(config.uploadRoots(), config.uploadMaxBytes());
        this.urls = new UrlPolicy(trustedHosts(config));
        int recovered = ledger.recoverInterruptedSubmits(submitTimeout);
        if (recovered > 0) {
            LOG.warn(
                    "{} job(s) were left SUBMITTING by an earlier run and are now UNKNOWN (not resubmitted); looking"
                            + " for them in fal's request history",
                    recovered);
        }
        this.reconciler = new Reconciler(
                ledger, gateway, registry, clock, config.timeouts().notAcceptedAfter());
        // Rows whose submit runs in this process are fal's answer away from a verdict: never judged meanwhile.
        reconciler.start(r -> inFlight.contains(r.localId()));
    }

    /** Opens the configured ledger and a gateway to the configured fal (or mock) URLs. */
    public static DefaultJobService open(ServerConfig config) {
        JobLedger ledger = JdbcJobLedger.open(config.ledgerUrl(), Clock.systemUTC());
        try {
            return new DefaultJobService(
                    config, ledger, new HttpFalGateway(config), FalEndpoints.load(), Clock.systemUTC());
        } catch (RuntimeException e) {
            ledger.close();
            throw e;
        }
    }

    @Override
    public CostEstimate estimate(FalEndpoint endpoint, ObjectNode input) {
        return prices.estimate(endpoint, input);
    }

    @Override
    public SubmitResult submit(SubmitCommand cmd) {
        return guarded(() -> {
            FalEndpoint e = cmd.endpoint();
            // Checked again here, whoever the caller: nothing reaches fal's submit without passing the strict schema.
            List<Violation> problems =
                    new ArrayList<>(InputValidator.forEndpoint(e, true).validate(cmd.input()));
            problems.addAll(urls.checkInput(cmd.input()));
            if (cmd.webhookUrl() != null) {
                Violation webhook = urls.check("/webhook_url", cmd.webhookUrl());
                if (webhook != null) {
                    problems.add(webhook);
                }
            }
            if (!problems.isEmpty()) {
                throw Failures.invalidInput(problems);
            }
            CostEstimate estimate = prices.estimate(e, cmd.input());
            if (cmd.dryRun()) {
                return new SubmitResult(null, estimate, true, false);
            }
            SubmitResult result = record(e, cmd, estimate);
            if (result.reused()
                    && result.job().requestId() == null
                    && !inFlight.contains(result.job().localId())) {
                // The same command again while the first one's fate is open: look for it at fal first. If fal
                // certainly never got it, the key is freed and this call submits it (once).
                JobRecord verdict = reconciler.reconcile(require(result.job().localId()));
                if (verdict.state() == JobState.FAILED && verdict.idempotencyKey() == null) {
                    result = record(e, cmd, estimate);
                } else {
                    result = new SubmitResult(views.view(verdict), estimate, false, true);
                }
            }
            return result;
        });
    }

    /** The ledger row first, then the submit; an idempotency key already recorded returns that job instead. */
    private SubmitResult record(FalEndpoint e, SubmitCommand cmd, CostEstimate estimate) {
        String localId = "local-" + UUID.randomUUID();
        ObjectNode options = LedgerJson.MAPPER.createObjectNode();
        options.put("webhook_url", cmd.webhookUrl());
        options.put("client_key", cmd.clientKey());
        // Exactly what fal will store as this request's input: how it is found in fal's history if the answer is lost.
        options.set("sent_body", gateway.sentBody(e, cmd.input()));
        // In flight from before the row exists: the background reconciler must never judge a submit being sent.
        inFlight.add(localId);
        JobRecord row;
        try {
            row = ledger.insert(
                    JobRecord.submitting(localId, e.id(), LedgerJson.write(cmd.input()))
                            .options(LedgerJson.write(options))
                            .estimate(LedgerJson.write(estimate), estimate.usd())
                            .owner(cmd.owner())
                            .idempotencyKey(
                                    cmd.clientKey() == null
                                            ? null
                                            : LedgerJson.idempotencyKey(
                                                    e.id(),
                                                    cmd.input(),
                                                    cmd.owner() == null
                                                            ? cmd.clientKey()
                                                            : cmd.owner() + "\n" + cmd.clientKey())),
                    "ledger write before submit");
        } catch (RuntimeException failed) {
            inFlight.remove(localId);
            throw failed;
        }
        CallDeadline.noteJob(row.localId());
        if (!row.localId().equals(localId)) {
            inFlight.remove(localId);
            return new SubmitResult(views.view(unstuck(row)), estimate, false, true);
        }
        return new SubmitResult(views.view(send(localId, e, cmd)), estimate, false, false);
    }

    private JobRecord send(String localId, FalEndpoint e, SubmitCommand cmd) {
        inFlight.add(localId);
        try {
            FalStatus s = gateway.submit(e, cmd.input(), cmd.webhookUrl());
            if (s.requestId() == null || s.requestId().isBlank()) {
                throw FalException.decoding("fal's submit answer has no request_id");
            }
            return ledger.update(
                            localId,
                            b -> FalStatusMapping.apply(
                                    b.requestId(s.requestId()).urls(s.statusUrl(), s.responseUrl(), s.cancelUrl()), s),
                            "fal accepted the submit")
                    .orElseThrow();
        } catch (FalException failure) {
            boolean refused = Failures.submitCertainlyRefused(failure);
            JobError error = Failures.jobError(failure);
            // A refused submit frees its idempotency key so that the same command can be sent again once fixed.
            ledger.update(
                    localId,
                    b -> (refused ? b.state(JobState.FAILED).idempotencyKey(null) : b.state(JobState.UNKNOWN))
                            .error(LedgerJson.write(error)),
                    refused ? "fal refused the submit" : "the submit's outcome is unknown");
            String message = refused
                    ? "fal did not accept the job (" + failure.getMessage() + "). Recorded as " + localId
                            + " (FAILED); nothing was queued or billed."
                    : "the submit may or may not have reached fal (" + failure.getMessage() + "). Recorded as "
                            + localId
                            + " (UNKNOWN); it is not resubmitted automatically: the server looks for it in fal's request"
                            + " history (call status with this job_id later).";
            // Named after what happened: fal answered (an error, an unreadable body) or the connection failed.
            boolean transport =
                    failure.kind() == FalException.Kind.IO || failure.kind() == FalException.Kind.NOT_CONNECTED;
            throw (transport
                            ? JobException.unreachable(message, failure.status(), failure)
                            : JobException.falError(message, failure.status(), failure))
                    .forJob(localId)
                    // A refused submit can be sent again as it is (429, ingress 5xx) or after fixing it (4xx); an
                    // unknown outcome must not be retried blindly: that is how a job gets paid twice.
                    .retryable(refused && (failure.kind() != FalException.Kind.HTTP || failure.status() >= 429));
        } finally {
            inFlight.remove(localId);
        }
    }

    @Override
    public JobView status(String jobId) {
        return guarded(() -> views.view(refresh(require(jobId))));
    }

    /** One status read from fal for an unfinished job, applied to the ledger; finished jobs come from the ledger only. */
    private JobRecord refresh(JobRecord r) {
        r = unstuck(r);
        if (Reconciler.needsVerdict(r) && !inFlight.contains(r.localId())) {
            r = reconciler.reconcile(r);
        }
        if (r.state().isTerminal() || r.requestId() == null) {
            return r;
        }
        FalEndpoint e = endpoint(r);
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

    @Override
    public JobView await(String jobId, Duration max, StatusListener listener) {
        return guarded(() -> {
            JobRecord r = unstuck(require(jobId));
            if (r.state().isTerminal() || r.requestId() == null || "COMPLETED".equals(r.falStatus())) {
                return views.view(refresh(r));
            }
            FalEndpoint e = endpoint(r);
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
                return views.view(refresh(require(localId)));
            }
            JobRecord now = require(localId);
            return views.view(last.get() != null && last.get().completedWithoutError() ? results.settle(now, e) : now);
        });
    }

    private static void notify(StatusListener listener, StatusUpdate update) {
        try {
            listener.onUpdate(update);
        } catch (RuntimeException e) {
            // A listener (e.g. a client that went away) must not stop us from recording fal's progress.
            LOG.warn("status listener failed: {}", e.toString());
        }
    }

    @Override
    public ResultView result(String jobId, boolean download) {
        return guarded(() -> {
            JobRecord r = refresh(require(jobId));
            JobView view = views.view(r);
            return switch (r.state()) {
                case SUBMITTING, QUEUED, RUNNING -> new ResultView(
                        view, ResultView.Outcome.NOT_FINISHED, null, null, null);
                case FAILED -> new ResultView(view, ResultView.Outcome.FAILED, null, null, view.error());
                case CANCELLED -> new ResultView(view, ResultView.Outcome.CANCELLED, null, null, null);
                case UNKNOWN -> new ResultView(view, ResultView.Outcome.UNKNOWN, null, null, view.error());
                case SUCCEEDED -> ready(r, download);
            };
        });
    }

    private ResultView ready(JobRecord r, boolean download) {
        VideoFile video = JobViews.video(r.resultJson());
        if (video == null) {
            r = results.settle(r, endpoint(r));
            video = JobViews.video(r.resultJson());
            if (video == null) {
                throw JobException.falError(
                                "fal reported " + r.publicId()
                                        + " completed but its result could not be read; try again",
                                0,
                                null)
                        .forJob(r.publicId())
                        .retryable(true);
            }
        }
        ResultView.Download saved = download ? results.download(r, video) : null;
        JobView view = views.view(require(r.localId()));
        return new ResultView(view, ResultView.Outcome.READY, video, saved, null);
    }

    @Override
    public CancelView cancel(String jobId) {
        return guarded(() -> {
            Optional<JobRecord> found = ledger.find(jobId);
            if (found.isEmpty()) {
                return new CancelView(
                        null, CancelView.Outcome.NOT_FOUND, "No job with id " + jobId + " in the ledger.");
            }
            JobRecord r = unstuck(found.get());
            if (Reconciler.needsVerdict(r) && !inFlight.contains(r.localId())) {
                r = reconciler.reconcile(r);
            }
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
                answer = gateway.cancel(endpoint(r), r.requestId());
            } catch (FalException failure) {
                throw Failures.fromFal("cancelling " + r.publicId(), failure).forJob(r.publicId());
            }
            return switch (answer) {
                case CANCELLATION_REQUESTED -> cancelRequested(r);
                case ALREADY_COMPLETED -> new CancelView(
                        views.view(refresh(r)),
                        CancelView.Outcome.ALREADY_COMPLETED,
                        "fal says the job already completed; fetch it with result.");
                case NOT_FOUND -> new CancelView(
                        views.view(r),
                        CancelView.Outcome.NOT_FOUND,
                        "fal does not know request " + r.requestId() + " (it may have expired).");
            };
        });
    }

    private CancelView cancelRequested(JobRecord r) {
        ObjectNode options = LedgerJson.options(r.optionsJson());
        options.put("cancel_requested_at", clock.instant().toString());
        JobRecord marked = ledger.update(r.localId(), b -> b.options(LedgerJson.write(options)), "cancel requested")
                .orElseThrow();
        JobRecord after;
        try {
            after = refresh(marked);
        } catch (JobException statusUnavailable) {
            after = marked;
        }
        String message = after.state() == JobState.CANCELLED
                ? "Cancelled."
                : "fal sent a cancel signal to the running job; it may still finish. Check status.";
        return new CancelView(views.view(after), CancelView.Outcome.CANCELLATION_REQUESTED, message);
    }

    @Override
    public JobList list(JobFilter filter) {
        return guarded(() -> {
            String model = filter.model() == null ? null : filter.model().id();
            JobQuery q = new JobQuery(filter.states(), model, filter.since(), filter.effectiveLimit(), filter.owner());
            List<JobView> jobs =
                    ledger.list(q).stream().map(this::unstuck).map(views::view).toList();
            LedgerTotals t = ledger.totals(q);
            return new JobList(
                    jobs,
                    new JobList.CostTotals(
                            t.count(), round(t.estimatedUsd()), round(t.succeededUsd()), round(t.pendingUsd())));
        });
    }

    @Override
    public Optional<JobView> find(String jobId) {
        return guarded(() -> ledger.find(jobId).map(this::unstuck).map(views::view));
    }

    @Override
    public boolean recordCallback(String requestId, boolean ok, JsonNode payload, String error) {
        return guarded(() -> {
            Optional<JobRecord> row = ledger.find(requestId);
            if (row.isEmpty() || (row.get().state().isTerminal() && row.get().state() != JobState.UNKNOWN)) {
                return false;
            }
            ledger.update(
                    row.get().localId(),
                    b -> {
                        if (b.current().state().isTerminal() && b.current().state() != JobState.UNKNOWN) {
                            return b; // settled meanwhile by another path
                        }
                        b.falStatus("COMPLETED").queuePosition(null);
                        if (ok && payload != null && !payload.isNull()) {
                            return b.state(JobState.SUCCEEDED).result(LedgerJson.write(payload));
                        }
                        JsonNode detail = payload == null || payload.isNull()
                                ? null
                                : payload.has("detail") ? payload.get("detail") : payload;
                        return b.state(JobState.FAILED)
                                .error(LedgerJson.write(new JobError(
                                        error == null ? "fal reported the job failed" : error, null, 0, detail)));
                    },
                    "fal webhook: " + (ok ? "OK" : "ERROR"));
            return true;
        });
    }

    @Override
    public boolean ownedBy(String jobId, String owner) {
        return guarded(() -> ledger.find(jobId)
                .map(r -> java.util.Objects.equals(r.owner(), owner))
                .orElse(false));
    }

    @Override
    public List<String> completeJobIds(String prefix, int limit) {
        return guarded(() -> ledger.idsStartingWith(prefix, limit));
    }

    @Override
    public UploadView upload(Path file) {
        UploadPolicy.Accepted f = uploads.check(file);
        try {
            FalGateway.UploadedFile up = gateway.upload(f.path(), f.contentType(), f.fileName());
            return new UploadView(up.url(), f.fileName(), f.contentType(), f.size(), up.parts());
        } catch (FalException failure) {
            throw Failures.fromFal("uploading " + f.fileName(), failure);
        }
    }

    @Override
    public Duration toolCallDeadline() {
        return toolCallDeadline;
    }

    @Override
    public void close() {
        reconciler.close();
        try {
            gateway.close();
        } finally {
            ledger.close();
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private JobRecord require(String jobId) {
        return ledger.find(jobId)
                .orElseThrow(() -> JobException.notFound(
                        "No job with id '" + jobId + "' in the ledger; list_jobs shows the known ids."));
    }

    private FalEndpoint endpoint(JobRecord r) {
        return registry.find(r.model())
                .orElseThrow(() -> JobException.invalidInput(
                        "/job_id",
                        "job " + r.publicId() + " was made with " + r.model() + ", which this server no longer serves",
                        "a job of one of " + String.join(", ", registry.names())));
    }

    /** A SUBMITTING row older than the submit timeout that no thread here is sending: the submit was interrupted. */
    private JobRecord unstuck(JobRecord r) {
        if (r.state() != JobState.SUBMITTING
                || inFlight.contains(r.localId())
                || r.createdAt().plus(submitTimeout).isAfter(clock.instant())) {
            return r;
        }
        return ledger.update(
                        r.localId(),
                        b -> b.state() == JobState.SUBMITTING ? b.state(JobState.UNKNOWN) : b,
                        JobLedger.INTERRUPTED_NOTE)
                .orElse(r);
    }

    /** A local mock's hosts: its CDN and the test webhooks live there, over plain http on loopback. */
    private static Set<String> trustedHosts(ServerConfig config) {
        Set<String> hosts = new HashSet<>();
        if (config.isMock()) {
            for (java.net.URI u : List.of(config.queueUrl(), config.restUrl())) {
                if (u.getHost() != null) {
                    hosts.add(u.getHost().toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return hosts;
    }

    private static double round(double usd) {
        return Math.round(usd * 100.0) / 100.0;
    }

    private static <T> T guarded(Supplier<T> work) {
        try {
            return work.get();
        } catch (LedgerException e) {
            throw JobException.localIo(e.getMessage(), e);
        }
    }
}
