package dev.klingmcp.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.server.jobs.CostEstimate;
import dev.klingmcp.server.jobs.JobError;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.LogLine;
import dev.klingmcp.server.jobs.StateChange;
import dev.klingmcp.server.jobs.VideoFile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@link JobView}s as tests need them, so that no test spells out the record's twenty-one positional fields: a bare
 * job with only what progress reporting reads, a job fal has just accepted, and copies of a job as it moves on or
 * finishes.
 */
public final class JobViewFixtures {

    private JobViewFixtures() {}

    /** A job with ids, model, state and timing only: no input, logs, history, video or error. */
    public static JobView bare(
            String jobId,
            String localId,
            String model,
            JobState state,
            Integer queuePosition,
            Instant at,
            Duration elapsed,
            Duration eta) {
        return new JobView(
                jobId,
                localId,
                jobId,
                model,
                state,
                null,
                queuePosition,
                List.of(),
                null,
                null,
                at,
                at,
                elapsed,
                eta,
                List.of(),
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /** A job fal has just accepted: second in its queue, five minutes to go, one history entry. */
    public static JobView accepted(
            String jobId,
            String model,
            JsonNode input,
            CostEstimate estimate,
            Instant at,
            JobError error,
            String webhookUrl) {
        return new JobView(
                jobId,
                "local-" + jobId,
                jobId,
                model,
                JobState.QUEUED,
                "IN_QUEUE",
                2,
                List.of(),
                input,
                estimate,
                at,
                at,
                Duration.ZERO,
                Duration.ofMinutes(5),
                List.of(new StateChange(JobState.QUEUED, at, "submit accepted")),
                null,
                null,
                null,
                error,
                null,
                webhookUrl);
    }

    /** {@code job} further along: a new state, fal status, queue position, logs, elapsed time and estimate. */
    public static JobView progressed(
            JobView job,
            JobState state,
            String falStatus,
            Integer queuePosition,
            List<LogLine> logs,
            Duration elapsed,
            Duration eta) {
        return new JobView(
                job.jobId(),
                job.localId(),
                job.requestId(),
                job.model(),
                state,
                falStatus,
                queuePosition,
                logs,
                job.input(),
                job.estimate(),
                job.createdAt(),
                job.updatedAt(),
                elapsed,
                eta,
                job.history(),
                job.video(),
                job.localPath(),
                job.sha256(),
                job.error(),
                job.inferenceSeconds(),
                job.webhookUrl());
    }

    /** {@code job} with its result read: the video, where it was saved (null if not), no queue, estimate or error. */
    public static JobView withResult(
            JobView job, VideoFile video, String localPath, String sha256, Double inferenceSeconds) {
        return new JobView(
                job.jobId(),
                job.localId(),
                job.requestId(),
                job.model(),
                job.state(),
                job.falStatus(),
                null,
                job.logs(),
                job.input(),
                job.estimate(),
                job.createdAt(),
                job.updatedAt(),
                job.elapsed(),
                null,
                job.history(),
                video,
                localPath,
                sha256,
                null,
                inferenceSeconds,
                job.webhookUrl());
    }
}
