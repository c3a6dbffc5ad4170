package dev.klingmcp.server.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one job, from the ledger plus the latest fal status.
 *
 * @param jobId         fal's request_id once known, else the local id (the MCP-facing id)
 * @param localId       our ledger id, created before the submit
 * @param requestId     fal's request_id; null while SUBMITTING / UNKNOWN
 * @param model         full endpoint id, e.g. {@code fal-ai/kling-video/o3/pro/reference-to-video}
 * @param state         normalized state
 * @param falStatus     fal's raw status (IN_QUEUE, IN_PROGRESS, COMPLETED) or null
 * @param queuePosition requests ahead of this one (0-based) while QUEUED, else null
 * @param logs          the last log lines (bounded), oldest first
 * @param input         the input that was submitted
 * @param estimate      price estimate recorded at submit
 * @param createdAt     when the ledger row was written
 * @param updatedAt     last change of the row
 * @param elapsed       time since creation (until the end state, for finished jobs)
 * @param eta           typical remaining time from the endpoint's timing figures; null when finished or unknown
 * @param history       state changes, oldest first
 * @param video         output video once SUCCEEDED and its result was fetched; else null
 * @param localPath     where {@code result(download=true)} saved it; else null
 * @param sha256        hex sha256 of the saved file; else null
 * @param error         fal's error for FAILED jobs, or why a job is UNKNOWN; else null
 * @param inferenceSeconds fal's metrics.inference_time when reported
 * @param webhookUrl    webhook passed to fal, if any
 */
public record JobView(
        String jobId,
        String localId,
        String requestId,
        String model,
        JobState state,
        String falStatus,
        Integer queuePosition,
        List<LogLine> logs,
        JsonNode input,
        CostEstimate estimate,
        Instant createdAt,
        Instant updatedAt,
        Duration elapsed,
        Duration eta,
        List<StateChange> history,
        VideoFile video,
        String localPath,
        String sha256,
        JobError error,
        Double inferenceSeconds,
        String webhookUrl) {}
