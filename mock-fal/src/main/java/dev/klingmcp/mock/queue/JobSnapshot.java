package dev.klingmcp.mock.queue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * An immutable picture of a job at one instant, taken under the engine's lock; HTTP handlers, SSE streams, webhooks
 * and the control API all render from it, never from the live job.
 *
 * @param queuePosition    requests ahead of this one on the same endpoint (0-based); meaningful only while IN_QUEUE
 * @param logs             every log line so far, oldest first
 * @param inferenceSeconds simulated run time once COMPLETED after having started; null otherwise
 * @param failure          why it failed, or null when it succeeded / is still running
 * @param videoSeconds     duration of the video the job produces
 * @param aspectRatio      aspect ratio of the video the job produces, e.g. {@code 16:9}
 */
public record JobSnapshot(
        String requestId,
        String endpointId,
        String appId,
        JobStatus status,
        int queuePosition,
        List<JobLog> logs,
        Double inferenceSeconds,
        JobFailure failure,
        boolean cancelled,
        long submittedAtMillis,
        Long startedAtMillis,
        Long completedAtMillis,
        int videoSeconds,
        String aspectRatio,
        String webhookUrl,
        JsonNode input) {

    public boolean completed() {
        return status == JobStatus.COMPLETED;
    }

    public boolean succeeded() {
        return completed() && failure == null;
    }
}
