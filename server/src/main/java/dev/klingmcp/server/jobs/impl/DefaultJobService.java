package dev.klingmcp.server.jobs.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.openapi.Violation;
import dev.klingmcp.server.config.FollowSettings;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.fal.CallDeadline;
import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway;
import dev.klingmcp.server.fal.impl.HttpFalGateway;
import dev.klingmcp.server.jobs.CancelView;
import dev.klingmcp.server.jobs.CostEstimate;
import dev.klingmcp.server.jobs.JobCursor;
import dev.klingmcp.server.jobs.JobError;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobFilter;
import dev.klingmcp.server.jobs.JobList;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.ResultView;
import dev.klingmcp.server.jobs.StatusListener;
import dev.klingmcp.server.jobs.SubmitCommand;
import dev.klingmcp.server.jobs.SubmitResult;
import dev.klingmcp.server.jobs.UploadView;
import dev.klingmcp.server.jobs.VideoFile;
import dev.klingmcp.server.ledger.JdbcJobLedger;
import dev.klingmcp.server.ledger.JobLedger;
import dev.klingmcp.server.ledger.JobQuery;
import dev.klingmcp.server.ledger.JobRecord;
import dev.klingmcp.server.ledger.LedgerException;
import dev.klingmcp.server.ledger.LedgerPage;
import dev.klingmcp.server.ledger.LedgerTotals;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link JobService}: the ledger (SQLite or PostgreSQL) + fal gateway. Every fal exchange is
 * bracketed by ledger writes, the first of them (SUBMITTING) before the submit POST, so no job can be lost to a crash or a client that gave up waiting.
 * The work is split by operation: {@link JobSubmitter} (the only path to fal's submit), {@link JobRefresher} (status,
 * waits, verdicts for lost submit answers), {@link JobCanceller}; this class wires them and answers the read-only calls.
 */
public final class DefaultJobService implements JobService {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultJobService.class);

    private final JobLedger ledger;
    private final FalGateway gateway;
    private final PriceTable prices;
    private final Duration toolCallDeadline;
    private final JobViews views;
    private final ResultFetcher results;
    private final UploadPolicy uploads;
    private final JobRows rows;
    private final Reconciler reconciler;
    private final UrlPolicy urls;
    private final JobSubmitter submitter;
    private final JobRefresher refresher;
    private final JobCanceller canceller;
    /** Follows unfinished jobs nobody waits for; null until {@link #startFollowing} (only a serving process runs one). */
    private volatile BackgroundFollower follower;

    private final Clock clock;

    public DefaultJobService(
            ServerConfig config, JobLedger ledger, FalGateway gateway, FalEndpoints registry, Clock clock) {
        this(config, ledger, gateway, registry, clock, JobFollowers.Limits.DEFAULT);
    }

    /** As the public constructor, with the followers' stream budget and turns chosen (tests). */
    DefaultJobService(
            ServerConfig config,
            JobLedger ledger,
            FalGateway gateway,
            FalEndpoints registry,
            Clock clock,
            JobFollowers.Limits follow) {
        this.ledger = ledger;
        this.clock = clock;
        this.gateway = gateway;
        this.prices = PriceTable.load(registry, config.priceFile());
        Duration submitTimeout = config.timeouts().submit();
        this.toolCallDeadline = config.timeouts().toolCall();
        this.views = new JobViews(clock, id -> registry.find(id).orElse(null), config.etaTimeScale());
        this.results = new ResultFetcher(gateway, ledger, config.outputDir());
        this.uploads = new UploadPolicy(config.uploadRoots(), config.uploadMaxBytes());
        this.rows = new JobRows(ledger, registry, clock, submitTimeout);
        int recovered = ledger.recoverInterruptedSubmits(submitTimeout);
        if (recovered > 0) {
            LOG.warn(
                    "{} job(s) were left SUBMITTING by an earlier run and are now UNKNOWN (not resubmitted); looking"
                            + " for them in fal's request history",
                    recovered);
        }
        this.reconciler = new Reconciler(
                ledger, gateway, registry, clock, config.timeouts().notAcceptedAfter(), submitTimeout);
        this.urls = new UrlPolicy(trustedHosts(config));
        this.submitter = new JobSubmitter(rows, ledger, gateway, prices, urls, reconciler, views);
        this.refresher = new JobRefresher(rows, ledger, gateway, reconciler, results, views, follow);
        this.canceller = new JobCanceller(rows, ledger, gateway, refresher, views, clock);
        // Rows whose submit runs in this process are fal's answer away from a verdict: never judged meanwhile.
        reconciler.start(r -> rows.inFlight(r.localId()));
    }

    /** Opens the configured ledger and a gateway to the configured fal (or mock) URLs. */
    public static DefaultJobService open(ServerConfig config) {
        JobLedger ledger = JdbcJobLedger.open(config.ledgerUrl(), Clock.systemUTC(), config.ledgerPoolSize());
        try {
            return new DefaultJobService(
                    config, ledger, new HttpFalGateway(config), FalEndpoints.load(), Clock.systemUTC());
        } catch (RuntimeException e) {
            ledger.close();
            throw e;
        }
    }

    /**
     * Starts following every unfinished job in the background (leased through the ledger, so replicas share the work);
     * returns this service. Does nothing when the settings turn it off.
     */
    public DefaultJobService startFollowing(FollowSettings settings) {
        refresher.expectWebhooks(settings.quietFor(), settings.webhookUrl(), clock);
        if (settings.enabled() && follower == null) {
            BackgroundFollower f =
                    new BackgroundFollower(ledger, settings, clock, r -> followLeased(r.localId(), settings));
            follower = f;
            f.start();
        }
        return this;
    }

    /**
     * One round of the background follower for a job this replica holds the lease of: the job's shared follower is
     * kept going for another lease period (one stream for the job's life, or a status read per turn beyond the stream
     * budget), so a round asks fal nothing itself; a finished job is settled (and downloaded when wanted) from here.
     */
    private JobState followLeased(String localId, FollowSettings settings) {
        return guarded(() -> {
            JobRecord now = rows.unstuck(rows.require(localId));
            if (refresher.keep(now, settings.lease())) {
                return now.state();
            }
            return settings.download()
                    ? result(localId, true).job().state()
                    : status(localId).state();
        });
    }

    @Override
    public CostEstimate estimate(FalEndpoint endpoint, ObjectNode input) {
        return prices.estimate(endpoint, input);
    }

    @Override
    public List<Violation> urlProblems(JsonNode input) {
        return urls.checkInput(input);
    }

    @Override
    public SubmitResult submit(SubmitCommand cmd) {
        return guarded(() -> submitter.submit(cmd));
    }

    @Override
    public JobView status(String jobId) {
        return guarded(() -> {
            JobRecord r = rows.require(jobId);
            if (!r.state().isTerminal() && r.requestId() != null && refresher.freshWithoutAsking(r)) {
                // The job's shared stream (or fal's webhook) keeps this row up to date: no request needed.
                return views.view(rows.unstuck(r));
            }
            if (CallDeadline.inlineHere()) {
                throw new CallDeadline.WouldBlock(); // a refresh may ask fal: not on the transport's thread
            }
            return views.view(refresher.refresh(r));
        });
    }

    @Override
    public Optional<Runnable> follow(String jobId, StatusListener listener, Runnable ended) {
        return guarded(() -> Optional.ofNullable(refresher.watch(jobId, listener, ended)));
    }

    @Override
    public JobView await(String jobId, Duration max, StatusListener listener) {
        return guarded(() -> refresher.await(jobId, max, listener));
    }

    @Override
    public ResultView result(String jobId, boolean download) {
        return guarded(() -> {
            JobRecord r = refresher.refresh(rows.require(jobId));
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
            r = results.settle(r, rows.endpoint(r));
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
        JobView view = views.view(rows.require(r.localId()));
        return new ResultView(view, ResultView.Outcome.READY, video, saved, null);
    }

    @Override
    public CancelView cancel(String jobId) {
        return guarded(() -> canceller.cancel(jobId));
    }

    @Override
    public JobList list(JobFilter filter) {
        return guarded(() -> {
            String model = filter.model() == null ? null : filter.model().id();
            JobCursor after = filter.cursor() == null
                    ? null
                    : JobCursor.decode(filter.cursor())
                            .orElseThrow(() -> JobException.invalidInput(
                                    "/cursor",
                                    "not a cursor this server gave out",
                                    "the next_cursor of a previous list_jobs answer, unchanged"));
            JobQuery q = new JobQuery(
                    filter.states(), model, filter.since(), filter.effectiveLimit(), filter.owner(), after);
            LedgerPage page = ledger.page(q);
            List<JobView> jobs =
                    page.rows().stream().map(rows::unstuck).map(views::view).toList();
            LedgerTotals t = page.totals();
            return new JobList(
                    jobs,
                    new JobList.CostTotals(
                            t.count(), round(t.estimatedUsd()), round(t.succeededUsd()), round(t.pendingUsd())),
                    page.next() == null ? null : page.next().encode());
        });
    }

    @Override
    public Optional<JobView> find(String jobId) {
        return guarded(() -> ledger.find(jobId).map(rows::unstuck).map(views::view));
    }

    @Override
    public boolean firstWebhookDelivery(String signature, java.time.Instant expiresAt) {
        return ledger.firstWebhookDelivery(signature, expiresAt);
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
            ledger.find(row.get().localId()).ifPresent(refresher.followers()::changed);
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
        BackgroundFollower f = follower;
        if (f != null) {
            f.close();
        }
        refresher.followers().close();
        reconciler.close();
        try {
            gateway.close();
        } finally {
            ledger.close();
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    /**
     * The operator's {@code inputs.allowed-hosts}, and a local mock's hosts: its CDN and the test webhooks live there,
     * over plain http on loopback.
     */
    private static Set<String> trustedHosts(ServerConfig config) {
        Set<String> hosts = new HashSet<>(config.allowedHosts());
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
