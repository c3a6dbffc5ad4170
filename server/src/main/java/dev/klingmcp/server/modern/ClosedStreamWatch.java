package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.requests.InFlightCalls;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a closed response stream into a cancellation while a stateless-lane {@code tools/call} runs over HTTP: closing
 * the stream is how a client cancels there (no {@code notifications/cancelled}). A servlet blocked in a tool learns
 * that the client left only when it writes, so once a call has run for {@link #FIRST_PROBE} the stream is probed with
 * an SSE comment every {@link #PERIOD} (the answer then comes as the stream's last event); when a probe fails the
 * call's wait is ended ({@link InFlightCalls}), which frees the request thread and the wait's place on fal's status
 * stream. Only the wait stops: the job at fal and its ledger row are untouched, and the background follower carries
 * on with the job as before.
 */
final class ClosedStreamWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClosedStreamWatch.class);

    /** Most calls answer before this, and they stay plain JSON responses with no probe at all. */
    static final Duration FIRST_PROBE = Duration.ofSeconds(1);

    /** A probe after the client left usually succeeds once (into the socket buffer) and fails the next time. */
    static final Duration PERIOD = Duration.ofMillis(500);

    private static final ScheduledThreadPoolExecutor PROBES = probes();

    private static final ClosedStreamWatch NONE = new ClosedStreamWatch(null);

    private final ScheduledFuture<?> probe;

    private ClosedStreamWatch(ScheduledFuture<?> probe) {
        this.probe = probe;
    }

    private static ScheduledThreadPoolExecutor probes() {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mcp-modern-stream-probe");
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        return pool;
    }

    /**
     * Watches {@code channel} while {@code message} (changed in place: its call token is added to {@code _meta}) is
     * handled; a no-op for anything but a {@code tools/call}, and for a client that accepts only JSON (a probe would
     * turn its answer into an event stream).
     */
    static ClosedStreamWatch of(ObjectNode message, HttpChannel channel) {
        if (!"tools/call".equals(message.path("method").asText()) || !channel.streamAccepted()) {
            return NONE;
        }
        // Each POST is its own "session": ids are only unique within one stream of the stateless revision.
        String session = "modern-http " + UUID.randomUUID();
        InFlightCalls.mark(session, message);
        JsonNode id = message.get("id");
        AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
        Runnable check = () -> {
            if (!channel.probe()) {
                log.info("request {}: the client closed its stream; ending the call's wait", id);
                InFlightCalls.cancel(session, id, "the client closed the response stream");
                ScheduledFuture<?> f = self.get();
                if (f != null) {
                    f.cancel(false);
                }
            }
        };
        self.set(
                PROBES.scheduleWithFixedDelay(check, FIRST_PROBE.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS));
        return new ClosedStreamWatch(self.get());
    }

    @Override
    public void close() {
        if (probe != null) {
            probe.cancel(false);
        }
    }
}
