package dev.klingmcp.mock.http;

import dev.klingmcp.mock.queue.JobFailure;
import dev.klingmcp.mock.queue.JobSnapshot;
import dev.klingmcp.mock.queue.JobStatus;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rendered status answer of each job, kept while what it shows is unchanged: a client polling a running job gets
 * the same bytes many times a second, and rendering them (a JSON tree, then Jackson) was most of a status call's work.
 * What the body shows: the status, the queue position, the log lines (only ever appended, so their count tells them
 * apart), the metrics, the failure and the mock's base URL; all are compared, so a stale body is never served.
 */
final class StatusCache {

    /** Jobs tracked at once; past that the cache starts over (a status call then renders once more). */
    private static final int MAX_ENTRIES = 4096;

    private record Key(String requestId, boolean logs) {}

    // The array is the cached answer itself, served as it is; entries are never compared with equals.
    @SuppressWarnings("ArrayRecordComponent")
    private record Entry(
            JobStatus status,
            int queuePosition,
            int logCount,
            Double inferenceSeconds,
            JobFailure failure,
            boolean cancelled,
            String baseUrl,
            byte[] body) {

        boolean shows(JobSnapshot job, String base) {
            return status == job.status()
                    && queuePosition == job.queuePosition()
                    && logCount == job.logs().size()
                    && cancelled == job.cancelled()
                    && Objects.equals(inferenceSeconds, job.inferenceSeconds())
                    && Objects.equals(failure, job.failure())
                    && baseUrl.equals(base);
        }
    }

    private final StatusBodies bodies;

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();

    StatusCache(StatusBodies bodies) {
        this.bodies = bodies;
    }

    /** The status body of {@code job} as JSON bytes (callers must not change the array). */
    byte[] status(JobSnapshot job, boolean withLogs) {
        Key key = new Key(job.requestId(), withLogs);
        String base = bodies.baseUrl();
        Entry cached = entries.get(key);
        if (cached != null && cached.shows(job, base)) {
            return cached.body();
        }
        byte[] body = FalJson.bytes(bodies.status(job, withLogs, 0));
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(
                key,
                new Entry(
                        job.status(),
                        job.queuePosition(),
                        job.logs().size(),
                        job.inferenceSeconds(),
                        job.failure(),
                        job.cancelled(),
                        base,
                        body));
        return body;
    }
}
