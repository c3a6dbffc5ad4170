package dev.klingmcp.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.Violation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The seam between the MCP surface and everything that talks to fal or to disk.
 *
 * <p>Data flow of {@link #submit}: (input already normalized and validated by the caller; validated again here so nothing
 * invalid can reach fal) → ledger row in state SUBMITTING → fal submit POST → ledger row updated with fal's request id.
 *
 * <p>Job ids: every method that takes a {@code jobId} accepts fal's {@code request_id} (the id the MCP tools hand out) and
 * also our local ledger id (a job whose submit never got an answer has only that one).
 *
 * <p>Errors: methods throw {@link JobException} with a {@link JobException.Kind} and a message that is safe to show to an
 * agent (never contains the fal key). They never throw for a job that merely failed on fal's side; that is a state.
 */
public interface JobService extends AutoCloseable {

    /** Prices an input from the configured price table; no network, no ledger. */
    CostEstimate estimate(FalEndpoint endpoint, ObjectNode input);

    /**
     * The URLs of a model input that fal could not fetch or must not be given (not https, loopback or private
     * addresses, credentials...), so a tool can report them with the schema's problems in one answer. Local only;
     * {@link #submit} checks them again whoever calls it.
     */
    List<Violation> urlProblems(JsonNode input);

    /**
     * Submits one job (or, with {@code dryRun}, only validates and prices it). A repeated command with the same idempotency key
     * (model + input + client key) returns the job already recorded instead of submitting twice ({@link SubmitResult#reused()}).
     */
    SubmitResult submit(SubmitCommand command);

    /** Current state: asks fal once (unless the job is already terminal in the ledger), records it, returns it. */
    JobView status(String jobId);

    /**
     * Follows fal's SSE status stream for at most {@code max}, calling {@code listener} for every event (position, logs, state),
     * and returns the latest view when the job finished or when {@code max} elapsed (then the job is simply still running).
     */
    JobView await(String jobId, Duration max, StatusListener listener);

    /**
     * Follows the job in the background until it finishes or the returned handle is run: {@code listener} hears every
     * change (on a follower's thread; keep it quick), {@code ended} runs once when following stops for good (the job
     * finished, or it can no longer be followed). Costs no thread per job: one shared follower per job, on fal's status
     * stream or, beyond a bound, one status read per turn. Empty when this service cannot follow without a waiting
     * caller, or the job is finished or not at fal: then wait with {@link #await}.
     */
    default Optional<Runnable> follow(String jobId, StatusListener listener, Runnable ended) {
        return Optional.empty();
    }

    /**
     * The job's output. Not-finished, failed and cancelled jobs come back as views with the matching {@link ResultView.Outcome}
     * (a failed job carries fal's error detail). With {@code download}, the video is streamed into the output folder, its
     * sha256 recorded in the ledger; a second call reuses the file already saved. Works after a server restart.
     */
    ResultView result(String jobId, boolean download);

    /** Asks fal to cancel; CANCELLATION_REQUESTED / ALREADY_COMPLETED / NOT_FOUND are outcomes, not exceptions. */
    CancelView cancel(String jobId);

    /** Jobs from the ledger, newest first, with cost totals over the whole filtered set. No network. */
    JobList list(JobFilter filter);

    /** Local-only read of one job (no network): for resources and completions. */
    Optional<JobView> find(String jobId);

    /**
     * Whether the job exists and was created by {@code owner} (null = created without authorization). Local-only. The
     * default suits services without owners: every job is the anonymous owner's.
     */
    default boolean ownedBy(String jobId, String owner) {
        return owner == null && find(jobId).isPresent();
    }

    /**
     * Records fal's final answer for a job, as delivered by a verified webhook: {@code ok} with the model output, else
     * the error and its payload. Local only (no call to fal). A job already finished, or unknown, is left as it is.
     *
     * @return whether the ledger changed
     */
    default boolean recordCallback(String requestId, boolean ok, JsonNode payload, String error) {
        return false;
    }

    /**
     * Records a verified fal webhook delivery (by its signature) until {@code expiresAt}, in the ledger every replica
     * shares: true the first time, false for a delivery any replica accepted before (a replay).
     */
    boolean firstWebhookDelivery(String signature, java.time.Instant expiresAt);

    /** Job ids (fal request ids, else local ids) starting with {@code prefix}, newest first: for MCP completions. */
    List<String> completeJobIds(String prefix, int limit);

    /**
     * Uploads a local file to fal storage and returns its URL. The path must lie under a configured upload root, and the size
     * within fal's limits (images ≤ 10 MiB, videos ≤ 200 MiB), both checked before any network call.
     */
    UploadView upload(Path file);

    /**
     * The longest one tool call may take (retries and waits included) before it answers with the last known state; the
     * configured {@code timeout.tool-call-seconds}.
     */
    default Duration toolCallDeadline() {
        return dev.klingmcp.server.config.ServerConfig.Timeouts.DEFAULT_TOOL_CALL;
    }

    @Override
    void close();
}
