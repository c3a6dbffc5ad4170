package dev.klingmcp.mock.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.queue.JobLog;
import dev.klingmcp.mock.queue.JobSnapshot;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Supplier;

/**
 * Renders queue status bodies exactly as fal does: the submit envelope, the status union on
 * {@code status}, log entries, metrics, and absolute URLs that point back at the mock (the Python client follows them).
 */
public final class StatusBodies {

    /** fal's log timestamps: ISO local date-time with microseconds, no zone (e.g. {@code 2024-12-20T15:37:17.120314}). */
    private static final DateTimeFormatter LOG_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private final Supplier<String> baseUrl;

    public StatusBodies(Supplier<String> baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** The 200 answer to a submit: status, request_id, the three URLs and queue_position. */
    public ObjectNode envelope(JobSnapshot job) {
        ObjectNode body = common(job);
        body.put("queue_position", job.queuePosition());
        return body;
    }

    /**
     * A status body.
     *
     * @param withLogs      {@code logs=1}: include log lines; otherwise {@code "logs": null} as fal answers
     * @param logsFromIndex only log lines from this index on (SSE sends each line once); 0 for all
     */
    public ObjectNode status(JobSnapshot job, boolean withLogs, int logsFromIndex) {
        ObjectNode body = common(job);
        switch (job.status()) {
            case IN_QUEUE -> body.put("queue_position", job.queuePosition());
            case IN_PROGRESS -> putLogs(body, job, withLogs, logsFromIndex);
            case COMPLETED -> {
                putLogs(body, job, withLogs, logsFromIndex);
                ObjectNode metrics = body.putObject("metrics");
                if (job.inferenceSeconds() != null) {
                    metrics.put("inference_time", job.inferenceSeconds());
                }
                if (job.failure() != null && job.failure().statusError() != null) {
                    body.put("error", job.failure().statusError());
                    body.put("error_type", job.failure().errorType());
                }
            }
            default -> throw new IllegalStateException("unknown status " + job.status());
        }
        return body;
    }

    /** The mock's base URL, as the bodies' URLs start. */
    public String baseUrl() {
        return baseUrl.get();
    }

    public String responseUrl(JobSnapshot job) {
        return baseUrl.get() + "/" + job.appId() + "/requests/" + job.requestId();
    }

    private ObjectNode common(JobSnapshot job) {
        String response = responseUrl(job);
        ObjectNode body = FalJson.object();
        body.put("status", job.status().name());
        body.put("request_id", job.requestId());
        body.put("response_url", response);
        body.put("status_url", response + "/status");
        body.put("cancel_url", response + "/cancel");
        return body;
    }

    private static void putLogs(ObjectNode body, JobSnapshot job, boolean withLogs, int fromIndex) {
        if (!withLogs) {
            body.putNull("logs");
            return;
        }
        ArrayNode logs = body.putArray("logs");
        List<JobLog> lines = job.logs();
        for (int i = Math.max(0, fromIndex); i < lines.size(); i++) {
            JobLog log = lines.get(i);
            logs.addObject()
                    .put("message", log.message())
                    .put("level", log.level())
                    .put("source", log.source())
                    .put("timestamp", LOG_TIME.format(Instant.ofEpochMilli(log.atMillis())));
        }
    }
}
