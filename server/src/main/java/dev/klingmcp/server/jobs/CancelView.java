package dev.klingmcp.server.jobs;

/**
 * Outcome of {@link JobService#cancel}.
 *
 * @param job     the job after the call; null for NOT_FOUND
 * @param outcome fal's answer, normalized
 * @param message one sentence for the agent
 */
public record CancelView(JobView job, Outcome outcome, String message) {

    public enum Outcome {
        /** fal answered 202: a queued job is removed, a running one receives a cancel signal (it may still finish). */
        CANCELLATION_REQUESTED,
        /** fal answered 400 ALREADY_COMPLETED, or the ledger already had it finished. */
        ALREADY_COMPLETED,
        /** Neither the ledger nor fal knows the id. */
        NOT_FOUND
    }
}
