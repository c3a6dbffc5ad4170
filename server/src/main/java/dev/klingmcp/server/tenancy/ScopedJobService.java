package dev.klingmcp.server.tenancy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.Violation;
import dev.klingmcp.server.auth.Principal;
import dev.klingmcp.server.config.HttpSettings;
import dev.klingmcp.server.jobs.CancelView;
import dev.klingmcp.server.jobs.CostEstimate;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The job service as the calling principal sees it ({@link CallerScope}): its own jobs only. Another principal's job
 * answers exactly like a job that does not exist, on every route (status, result, cancel, resources, completions,
 * lists), so ids cannot even be probed. New jobs are recorded under the principal, after its limits (unfinished jobs,
 * estimated spend of the last 24 hours) were checked with the numbers in the refusal. Without a principal (stdio,
 * loopback HTTP without authorization) every call passes straight through.
 */
public final class ScopedJobService implements JobService {

    private static final Set<JobState> UNFINISHED = Arrays.stream(JobState.values())
            .filter(s -> !s.isTerminal())
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(JobState.class)));

    /** fal bills successful generations only; failed ones never count against a budget. */
    private static final Set<JobState> BILLABLE = EnumSet.complementOf(EnumSet.of(JobState.FAILED));

    private final JobService jobs;

    private final HttpSettings.Limits limits;

    private final Clock clock;

    /** One lock per principal, so its limit check and its submit cannot interleave with another of its submits. */
    private final Map<String, Object> submitLocks = new ConcurrentHashMap<>();

    /** Our own fal webhook URL, given to fal for jobs whose caller named none; null = jobs are followed by polling. */
    private final String ownWebhookUrl;

    public ScopedJobService(JobService jobs, HttpSettings.Limits limits, Clock clock) {
        this(jobs, limits, clock, null);
    }

    public ScopedJobService(JobService jobs, HttpSettings.Limits limits, Clock clock, String ownWebhookUrl) {
        this.jobs = jobs;
        this.limits = limits;
        this.clock = clock;
        this.ownWebhookUrl = ownWebhookUrl;
    }

    @Override
    public CostEstimate estimate(FalEndpoint endpoint, ObjectNode input) {
        return jobs.estimate(endpoint, input);
    }

    @Override
    public List<Violation> urlProblems(JsonNode input) {
        return jobs.urlProblems(input);
    }

    @Override
    public SubmitResult submit(SubmitCommand request) {
        // fal calls back one URL per job: the caller's own when it gave one, else ours (then nobody needs to poll).
        SubmitCommand command = request.webhookUrl() == null && ownWebhookUrl != null
                ? new SubmitCommand(
                        request.endpoint(),
                        request.input(),
                        ownWebhookUrl,
                        request.dryRun(),
                        request.clientKey(),
                        request.owner())
                : request;
        Principal p = CallerScope.current();
        if (p == null) {
            return jobs.submit(command);
        }
        SubmitCommand owned = command.withOwner(p.subject());
        if (command.dryRun()) {
            return jobs.submit(owned);
        }
        synchronized (submitLocks.computeIfAbsent(p.subject(), s -> new Object())) {
            checkLimits(p.subject(), command);
            return jobs.submit(owned);
        }
    }

    private void checkLimits(String subject, SubmitCommand command) {
        if (limits.concurrentJobs() > 0) {
            int running = jobs.list(new JobFilter(UNFINISHED, null, null, 1, subject))
                    .totals()
                    .count();
            if (running >= limits.concurrentJobs()) {
                throw JobException.limitExceeded(
                        subject + " has " + running + " unfinished jobs; the limit is " + limits.concurrentJobs()
                                + " at a time (limits.concurrent-jobs). Nothing was submitted: wait for one to finish "
                                + "(status) or cancel one.");
            }
        }
        if (limits.dailyUsd() > 0) {
            double spent = jobs.list(
                            new JobFilter(BILLABLE, null, clock.instant().minus(Duration.ofHours(24)), 1, subject))
                    .totals()
                    .estimatedUsd();
            double cost = jobs.estimate(command.endpoint(), command.input()).usd();
            if (spent + cost > limits.dailyUsd() + 1e-9) {
                throw JobException.limitExceeded(String.format(
                        Locale.ROOT,
                        "%s's jobs of the last 24 hours are estimated at $%.2f and this one at $%.2f; the daily "
                                + "budget is $%.2f (limits.daily-usd). Nothing was submitted: try a shorter or "
                                + "cheaper video, or later.",
                        subject,
                        spent,
                        cost,
                        limits.dailyUsd()));
            }
        }
    }

    @Override
    public JobView status(String jobId) {
        requireVisible(jobId);
        return jobs.status(jobId);
    }

    @Override
    public java.util.Optional<Runnable> follow(String jobId, StatusListener listener, Runnable ended) {
        requireVisible(jobId);
        return jobs.follow(jobId, listener, ended);
    }

    @Override
    public JobView await(String jobId, Duration max, StatusListener listener) {
        requireVisible(jobId);
        return jobs.await(jobId, max, listener);
    }

    @Override
    public ResultView result(String jobId, boolean download) {
        requireVisible(jobId);
        return jobs.result(jobId, download);
    }

    @Override
    public CancelView cancel(String jobId) {
        if (!visible(jobId)) {
            return new CancelView(null, CancelView.Outcome.NOT_FOUND, "No job with id " + jobId + " in the ledger.");
        }
        return jobs.cancel(jobId);
    }

    @Override
    public JobList list(JobFilter filter) {
        Principal p = CallerScope.current();
        return jobs.list(p == null ? filter : filter.withOwner(p.subject()));
    }

    @Override
    public Optional<JobView> find(String jobId) {
        return visible(jobId) ? jobs.find(jobId) : Optional.empty();
    }

    @Override
    public boolean recordCallback(String requestId, boolean ok, JsonNode payload, String error) {
        return jobs.recordCallback(requestId, ok, payload, error);
    }

    @Override
    public boolean firstWebhookDelivery(String signature, java.time.Instant expiresAt) {
        return jobs.firstWebhookDelivery(signature, expiresAt);
    }

    @Override
    public boolean ownedBy(String jobId, String owner) {
        return jobs.ownedBy(jobId, owner);
    }

    @Override
    public List<String> completeJobIds(String prefix, int limit) {
        Principal p = CallerScope.current();
        if (p == null) {
            return jobs.completeJobIds(prefix, limit);
        }
        // Others' ids are dropped after the lookup; asking for more keeps the list full in the common case.
        return jobs.completeJobIds(prefix, Math.max(limit, 1) * 4).stream()
                .filter(id -> jobs.ownedBy(id, p.subject()))
                .limit(limit)
                .toList();
    }

    @Override
    public UploadView upload(Path file) {
        return jobs.upload(file);
    }

    /** The underlying service stays open: it is shared with the unscoped parts (background follower). */
    @Override
    public void close() {}

    @Override
    public java.time.Duration toolCallDeadline() {
        return jobs.toolCallDeadline();
    }

    private boolean visible(String jobId) {
        Principal p = CallerScope.current();
        return p == null || jobs.ownedBy(jobId, p.subject());
    }

    private void requireVisible(String jobId) {
        if (!visible(jobId)) {
            // The words of an unknown id, so a foreign id cannot be told from a missing one.
            throw JobException.notFound("No job with id '" + jobId + "' in the ledger; list_jobs shows the known ids.");
        }
    }
}
