package dev.klingmcp.mock.http;

import dev.klingmcp.mock.queue.JobListener;
import dev.klingmcp.mock.queue.JobSnapshot;
import dev.klingmcp.mock.queue.JobStatus;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;

/**
 * {@code GET …/status/stream}: one {@code data: <status json>} event per visible change (state, queue position, new
 * log lines), a {@code : ping} comment every ping interval (real time: it exists to keep idle HTTP clients such as
 * Node's undici from timing out), and always a final COMPLETED event before the stream closes.
 *
 * <p>Log lines are sent once each: an event carries only the lines written since the previous event, because fal's
 * JS client concatenates the {@code logs} of successive events.
 */
final class SseStatusStream implements JobListener {

    private final HttpServerResponse response;
    private final StatusBodies bodies;
    private final boolean withLogs;
    private final Vertx vertx;
    private long pingTimer = -1;
    private int logsSent;
    private JobStatus lastStatus;
    private int lastPosition = -1;
    private boolean finished;
    private Runnable onFinish = () -> {};

    SseStatusStream(Vertx vertx, HttpServerResponse response, StatusBodies bodies, boolean withLogs) {
        this.vertx = vertx;
        this.response = response;
        this.bodies = bodies;
        this.withLogs = withLogs;
    }

    /** Sends the headers and starts pinging; {@code onFinish} runs once when the stream ends for any reason. */
    void open(String requestId, Duration pingInterval, Runnable onFinish) {
        this.onFinish = onFinish;
        response.setStatusCode(200)
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader(FalJson.REQUEST_ID, requestId);
        response.closeHandler(v -> finish());
        response.writeHead();
        long every = Math.max(1, pingInterval.toMillis());
        pingTimer = vertx.setPeriodic(every, id -> {
            if (!finished) {
                response.write(": ping\n\n");
            }
        });
    }

    @Override
    public synchronized void onChange(JobSnapshot job) {
        if (finished) {
            return;
        }
        boolean newLogs = withLogs && job.logs().size() > logsSent;
        boolean changed = job.status() != lastStatus || job.queuePosition() != lastPosition || newLogs;
        if (!changed) {
            return;
        }
        String data = FalJson.write(bodies.status(job, withLogs, logsSent));
        logsSent = job.logs().size();
        lastStatus = job.status();
        lastPosition = job.queuePosition();
        response.write("data: " + data + "\n\n");
        if (job.completed()) {
            response.end();
            finish();
        }
    }

    private synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (pingTimer >= 0) {
            vertx.cancelTimer(pingTimer);
        }
        onFinish.run();
    }
}
