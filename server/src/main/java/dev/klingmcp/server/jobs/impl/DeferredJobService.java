package dev.klingmcp.server.jobs.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.Violation;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.fal.CallDeadline;
import dev.klingmcp.server.jobs.CancelView;
import dev.klingmcp.server.jobs.CostEstimate;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobFilter;
import dev.klingmcp.server.jobs.JobList;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.ResultView;
import dev.klingmcp.server.jobs.StatusListener;
import dev.klingmcp.server.jobs.SubmitCommand;
import dev.klingmcp.server.jobs.SubmitResult;
import dev.klingmcp.server.jobs.UploadView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link JobService} opened on a background thread, so that an MCP client's {@code initialize} and {@code tools/list}
 * do not wait for the SQLite ledger, the TLS-capable HTTP client and the generated fal client to load (about two thirds of
 * the server's start-up). Every operation except {@link #estimate} waits for the opening, at most {@code maxWait}.
 *
 * <p>Estimates are local arithmetic on the price table, which this class is handed ready (tool descriptions quote prices
 * while the server starts); the opened service prices from the same configuration, so both give the same figures.
 *
 * <p>If opening fails (unwritable ledger path, corrupt database...), the server keeps running: every operation that needs
 * the service answers a {@link JobException.Kind#LOCAL_IO} error naming the cause, instead of the process dying before the
 * client could read why.
 */
public final class DeferredJobService implements JobService {

    private static final Logger LOG = LoggerFactory.getLogger(DeferredJobService.class);

    private final CompletableFuture<JobService> opening;
    private final PriceTable prices;
    private final Duration maxWait;
    private final Duration toolCallDeadline;

    private DeferredJobService(
            CompletableFuture<JobService> opening, PriceTable prices, Duration maxWait, Duration toolCallDeadline) {
        this.opening = opening;
        this.prices = prices;
        this.maxWait = maxWait;
        this.toolCallDeadline = toolCallDeadline;
    }

    /**
     * Starts {@code opener} on a daemon thread and returns at once.
     *
     * @param opener  opens the real service (may throw: the failure is kept and reported by each later call)
     * @param prices  the price table the real service uses, for {@link #estimate} without waiting
     * @param maxWait the longest an operation waits for the opening before it answers an error
     */
    public static DeferredJobService openInBackground(
            Supplier<? extends JobService> opener, PriceTable prices, Duration maxWait) {
        return openInBackground(opener, prices, maxWait, ServerConfig.Timeouts.DEFAULT_TOOL_CALL);
    }

    /** As above, with the configured deadline of one tool call (known before the service is open). */
    public static DeferredJobService openInBackground(
            Supplier<? extends JobService> opener, PriceTable prices, Duration maxWait, Duration toolCallDeadline) {
        CompletableFuture<JobService> opening = new CompletableFuture<>();
        Thread thread = new Thread(
                () -> {
                    try {
                        opening.complete(opener.get());
                    } catch (Throwable e) {
                        LOG.error("The job service could not be opened; the tools that need it will say why", e);
                        opening.completeExceptionally(e);
                    }
                },
                "kling-mcp-open-jobs");
        thread.setDaemon(true);
        thread.start();
        return new DeferredJobService(opening, prices, maxWait, toolCallDeadline);
    }

    /**
     * A service whose ledger is never opened: enough to describe the tools (their prices), never to run them; every
     * operation but {@link #estimate} answers that the job service is not open. For rendering the published tool list
     * where no ledger may be touched (the build).
     */
    public static DeferredJobService describingOnly(PriceTable prices) {
        CompletableFuture<JobService> never = new CompletableFuture<>();
        never.completeExceptionally(
                JobException.localIo("this job service only describes the tools; it has no ledger", null));
        return new DeferredJobService(never, prices, Duration.ZERO, ServerConfig.Timeouts.DEFAULT_TOOL_CALL);
    }

    /** The opened service; waits for it. */
    private JobService jobs() {
        if (opening.isDone() && !opening.isCompletedExceptionally()) {
            return opening.join();
        }
        try {
            return opening.get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw notOpened(e.getCause());
        } catch (TimeoutException e) {
            throw JobException.localIo(
                    "the job ledger is still opening after " + maxWait.toSeconds()
                            + " s (is another process holding it?); nothing was done, try again shortly",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw JobException.localIo("interrupted while waiting for the job ledger to open", e);
        }
    }

    private static JobException notOpened(Throwable cause) {
        if (cause instanceof JobException e) {
            return e;
        }
        String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        return JobException.localIo(
                "the job service could not start: " + reason
                        + ". Nothing was recorded or sent to fal. Fix the ledger location (KLING_MCP_LEDGER_URL) and restart the "
                        + "server.",
                cause);
    }

    @Override
    public CostEstimate estimate(FalEndpoint endpoint, ObjectNode input) {
        return prices.estimate(endpoint, input);
    }

    /**
     * The opened service's answer; none while it is still opening or failed to open, for the submit that follows
     * waits for it, checks the URLs again and reports the same problems (or why the service is not open).
     */
    @Override
    public List<Violation> urlProblems(JsonNode input) {
        return opening.isDone() && !opening.isCompletedExceptionally()
                ? opening.join().urlProblems(input)
                : List.of();
    }

    @Override
    public SubmitResult submit(SubmitCommand command) {
        return jobs().submit(command);
    }

    @Override
    public JobView status(String jobId) {
        if (CallDeadline.inlineHere() && !(opening.isDone() && !opening.isCompletedExceptionally())) {
            throw new CallDeadline.WouldBlock(); // the ledger is still opening: wait on a call thread
        }
        return jobs().status(jobId);
    }

    @Override
    public java.util.Optional<Runnable> follow(String jobId, StatusListener listener, Runnable ended) {
        return jobs().follow(jobId, listener, ended);
    }

    @Override
    public JobView await(String jobId, Duration max, StatusListener listener) {
        return jobs().await(jobId, max, listener);
    }

    @Override
    public ResultView result(String jobId, boolean download) {
        return jobs().result(jobId, download);
    }

    @Override
    public CancelView cancel(String jobId) {
        return jobs().cancel(jobId);
    }

    @Override
    public JobList list(JobFilter filter) {
        return jobs().list(filter);
    }

    @Override
    public Duration toolCallDeadline() {
        return toolCallDeadline;
    }

    @Override
    public Optional<JobView> find(String jobId) {
        return jobs().find(jobId);
    }

    @Override
    public boolean recordCallback(String requestId, boolean ok, JsonNode payload, String error) {
        return jobs().recordCallback(requestId, ok, payload, error);
    }

    @Override
    public boolean firstWebhookDelivery(String signature, java.time.Instant expiresAt) {
        return jobs().firstWebhookDelivery(signature, expiresAt);
    }

    @Override
    public boolean ownedBy(String jobId, String owner) {
        return jobs().ownedBy(jobId, owner);
    }

    @Override
    public List<String> completeJobIds(String prefix, int limit) {
        return jobs().completeJobIds(prefix, limit);
    }

    @Override
    public UploadView upload(Path file) {
        return jobs().upload(file);
    }

    /** Closes the opened service; an opening still under way is waited for (bounded) so the ledger is closed cleanly. */
    @Override
    public void close() {
        JobService opened;
        try {
            opened = opening.get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return; // nothing was opened, nothing to close
        } catch (TimeoutException e) {
            LOG.warn("The job service was still opening at shutdown; not waiting for it any longer");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        opened.close();
    }
}
