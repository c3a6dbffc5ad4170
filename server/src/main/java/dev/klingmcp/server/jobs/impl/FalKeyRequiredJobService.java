package dev.klingmcp.server.jobs.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.Violation;
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

/**
 * Refuses, before anything is recorded or sent, the operations that would reach fal without a key: a real submit, an
 * upload, a cancel. Without this check a keyless submit is written to the ledger, goes out, and comes back as fal's
 * 401 text or a connection error that never names {@code FAL_KEY}, leaving a FAILED job behind. Dry runs, listing,
 * describing and reading jobs already recorded keep working without a key.
 */
public final class FalKeyRequiredJobService implements JobService {

    /** What the agent (and the person reading over its shoulder) needs to fix it. */
    public static final String MESSAGE = "FAL_KEY is not set, so nothing was sent to fal or recorded. Set the fal key "
            + "(key-id:key-secret, from fal.ai's dashboard) in the server's environment: in an MCP client's config, "
            + "\"env\": {\"FAL_KEY\": \"key-id:key-secret\"} on the kling-mcp entry (or FAL_KEY_ID + FAL_KEY_SECRET); "
            + "in a shell, export FAL_KEY=key-id:key-secret. Then restart the server. Dry runs (dry_run: true) work "
            + "without a key.";

    private final JobService delegate;

    private final boolean keyPresent;

    public FalKeyRequiredJobService(JobService delegate, boolean keyPresent) {
        this.delegate = delegate;
        this.keyPresent = keyPresent;
    }

    private void requireKey() {
        if (!keyPresent) {
            throw JobException.noKey(MESSAGE);
        }
    }

    @Override
    public CostEstimate estimate(FalEndpoint endpoint, ObjectNode input) {
        return delegate.estimate(endpoint, input);
    }

    @Override
    public List<Violation> urlProblems(JsonNode input) {
        return delegate.urlProblems(input);
    }

    @Override
    public SubmitResult submit(SubmitCommand command) {
        if (!command.dryRun()) {
            requireKey();
        }
        return delegate.submit(command);
    }

    @Override
    public JobView status(String jobId) {
        return delegate.status(jobId);
    }

    @Override
    public java.util.Optional<Runnable> follow(String jobId, StatusListener listener, Runnable ended) {
        return delegate.follow(jobId, listener, ended);
    }

    @Override
    public JobView await(String jobId, Duration max, StatusListener listener) {
        return delegate.await(jobId, max, listener);
    }

    @Override
    public ResultView result(String jobId, boolean download) {
        return delegate.result(jobId, download);
    }

    @Override
    public CancelView cancel(String jobId) {
        requireKey();
        return delegate.cancel(jobId);
    }

    @Override
    public JobList list(JobFilter filter) {
        return delegate.list(filter);
    }

    @Override
    public Optional<JobView> find(String jobId) {
        return delegate.find(jobId);
    }

    @Override
    public boolean ownedBy(String jobId, String owner) {
        return delegate.ownedBy(jobId, owner);
    }

    @Override
    public boolean recordCallback(String requestId, boolean ok, JsonNode payload, String error) {
        return delegate.recordCallback(requestId, ok, payload, error);
    }

    @Override
    public boolean firstWebhookDelivery(String signature, java.time.Instant expiresAt) {
        return delegate.firstWebhookDelivery(signature, expiresAt);
    }

    @Override
    public List<String> completeJobIds(String prefix, int limit) {
        return delegate.completeJobIds(prefix, limit);
    }

    @Override
    public UploadView upload(Path file) {
        requireKey();
        return delegate.upload(file);
    }

    @Override
    public java.time.Duration toolCallDeadline() {
        return delegate.toolCallDeadline();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
