package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.requests.InFlightCalls;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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

    /**
     * How often the one sweeper looks at the calls in flight. A task scheduled (and cancelled) per call cost each
     * status call a lock and a heap insert in the scheduler; one periodic sweep over a set costs a call a set insert.
     */
    private static final long SWEEP_MILLIS = 100;

    /** Empty sweeps in a row after which the sweeper ends (5 s). */
    private static final int IDLE_SWEEPS = 50;

    private static final ClosedStreamWatch NONE = new ClosedStreamWatch(null, null, 0);

    /** Each POST is its own "session" (ids are only unique within one stream): a process-wide counter names it. */
    private static final AtomicLong SESSIONS = new AtomicLong();

    private static final Set<ClosedStreamWatch> WATCHED = ConcurrentHashMap.newKeySet();

    private static final AtomicBoolean SWEEPING = new AtomicBoolean();

    private final HttpChannel channel;
    private final Runnable cancel;
    /** When the next probe is due (System.nanoTime); only the sweeper thread reads and moves it. */
    private long nextProbe;

    private ClosedStreamWatch(HttpChannel channel, Runnable cancel, long nextProbe) {
        this.channel = channel;
        this.cancel = cancel;
        this.nextProbe = nextProbe;
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
        String session = "modern-http " + SESSIONS.incrementAndGet();
        InFlightCalls.mark(session, message);
        JsonNode id = message.get("id");
        Runnable cancel = () -> {
            log.info("request {}: the client closed its stream; ending the call's wait", id);
            InFlightCalls.cancel(session, id, "the client closed the response stream");
        };
        ClosedStreamWatch watch = new ClosedStreamWatch(channel, cancel, System.nanoTime() + FIRST_PROBE.toNanos());
        WATCHED.add(watch);
        if (!SWEEPING.get() && SWEEPING.compareAndSet(false, true)) {
            Thread sweeper = new Thread(ClosedStreamWatch::sweep, "mcp-modern-stream-probe");
            sweeper.setDaemon(true);
            sweeper.start();
        }
        return watch;
    }

    /**
     * The sweeper: probes every call due for it. It ends after {@link #IDLE_SWEEPS} sweeps with nothing to watch (the
     * next call starts another), so an idle server keeps no thread waking up for it, and a busy one starts no thread
     * per call.
     */
    private static void sweep() {
        int idle = 0;
        for (; ; ) {
            try {
                Thread.sleep(SWEEP_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                SWEEPING.set(false);
                return;
            }
            idle = WATCHED.isEmpty() ? idle + 1 : 0;
            if (idle >= IDLE_SWEEPS) {
                SWEEPING.set(false);
                // A call that came in between the check and the flag may have seen the flag still set: take it over.
                if (WATCHED.isEmpty() || !SWEEPING.compareAndSet(false, true)) {
                    return;
                }
                idle = 0;
            }
            long now = System.nanoTime();
            for (ClosedStreamWatch w : WATCHED) {
                if (now - w.nextProbe < 0) {
                    continue;
                }
                w.nextProbe = now + PERIOD.toNanos();
                try {
                    if (!w.channel.probe()) {
                        WATCHED.remove(w);
                        w.cancel.run();
                    }
                } catch (RuntimeException e) {
                    log.warn("probing a response stream failed", e);
                }
            }
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            WATCHED.remove(this);
        }
    }
}
