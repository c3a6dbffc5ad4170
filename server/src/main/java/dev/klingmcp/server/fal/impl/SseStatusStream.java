package dev.klingmcp.server.fal.impl;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.fal.client.model.QueueStatus;
import dev.klingmcp.server.fal.CallDeadline;
import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway.StreamEnd;
import dev.klingmcp.server.fal.FalStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Follows fal's {@code …/status/stream} (Server-Sent Events) with java.net.http, line by line: the generated client reads
 * whole bodies and cannot stream. Each {@code data:} event is a {@link QueueStatus}; {@code : ping} comments only prove
 * the connection is alive. fal closes the stream after the COMPLETED event.
 *
 * <p>Bounded in time twice: a deadline ({@code maxWait}) after which the stream is closed and {@link StreamEnd#DEADLINE}
 * returned, and an idle timeout (no line at all, not even a ping) after which the connection is dropped and reopened.
 * A stream that ends without COMPLETED is reopened too, with backoff, until the deadline.
 *
 * <p>Closing the body from another thread does not wake a read blocked on it in every JDK (17's response stream waits
 * for data that a cancelled subscription never delivers), so the watchdog also interrupts the reading thread, and the
 * reader clears that interrupt of ours afterwards.
 */
final class SseStatusStream {

    /** How often a stream checks whether its follower asked it to stop. */
    private static final long STOP_CHECK_MILLIS = 500;

    private final HttpClient http;
    private final FalAuth auth;
    private final FalErrors errors;
    private final FalRetries retries;
    private final ObjectMapper mapper;
    private final ScheduledExecutorService timer;
    private final Duration requestTimeout;
    private final Duration idleTimeout;
    private final Duration reconnectDelay;

    SseStatusStream(
            HttpClient http,
            FalAuth auth,
            FalErrors errors,
            FalRetries retries,
            ObjectMapper mapper,
            ScheduledExecutorService timer,
            Duration requestTimeout,
            Duration idleTimeout,
            Duration reconnectDelay) {
        this.http = http;
        this.auth = auth;
        this.errors = errors;
        this.retries = retries;
        this.mapper = mapper;
        this.timer = timer;
        this.requestTimeout = requestTimeout;
        this.idleTimeout = idleTimeout;
        this.reconnectDelay = reconnectDelay;
    }

    StreamEnd follow(URI uri, Duration maxWait, Consumer<FalStatus> listener, BooleanSupplier stop) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        int emptyConnections = 0;
        // A wait the client cancelled (notifications/cancelled) ends like one that reached its deadline.
        while (System.nanoTime() < deadline && !CallDeadline.cancelledHere() && !stop.getAsBoolean()) {
            Connection c = retries.idempotent(() -> open(uri, deadline));
            if (c == null) {
                break; // deadline passed while connecting
            }
            Outcome o = read(c, deadline, listener, stop);
            if (o == Outcome.COMPLETED) {
                return StreamEnd.COMPLETED;
            }
            emptyConnections = o == Outcome.ENDED_WITH_EVENTS ? 0 : emptyConnections + 1;
            // A server that keeps closing the stream at once must not be hammered: back off up to ~8 × base.
            long pause = reconnectDelay.toNanos() * (1L << Math.min(emptyConnections, 3));
            if (CallDeadline.cancelledHere()
                    || stop.getAsBoolean()
                    || !sleepUntil(Math.min(deadline, System.nanoTime() + pause))) {
                break;
            }
        }
        return StreamEnd.DEADLINE;
    }

    private enum Outcome {
        COMPLETED,
        ENDED_WITH_EVENTS,
        ENDED_EMPTY
    }

    private record Connection(InputStream body) {}

    private Connection open(URI uri, long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return null;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .GET()
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofNanos(Math.min(left, requestTimeout.toNanos())));
        auth.accept(b);
        HttpResponse<InputStream> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException | InterruptedException e) {
            throw errors.transport("status stream", e);
        }
        if (r.statusCode() / 100 != 2) {
            String text;
            try (InputStream in = r.body()) {
                text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = "";
            }
            throw errors.http("status stream", r.statusCode(), r.headers(), text);
        }
        return new Connection(r.body());
    }

    private Outcome read(Connection c, long deadline, Consumer<FalStatus> listener, BooleanSupplier stop) {
        Watchdog dog = new Watchdog(c.body(), deadline, stop);
        boolean sawEvent = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(c.body(), StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = dog.readLine(in)) != null) {
                dog.lineSeen();
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        FalStatus status = parse(data.toString());
                        data.setLength(0);
                        sawEvent = true;
                        listener.accept(status);
                        if (status.state() == FalStatus.State.COMPLETED) {
                            return Outcome.COMPLETED;
                        }
                    }
                } else if (line.startsWith("data:")) {
                    data.append(data.length() > 0 ? "\n" : "")
                            .append(line.substring(line.startsWith("data: ") ? 6 : 5));
                }
                // ":" comments (pings), "event:", "id:", "retry:" carry nothing we need.
            }
        } catch (IOException closedByWatchdogOrBroken) {
            // fall through: the caller reconnects or returns DEADLINE
        } finally {
            dog.stop();
        }
        return sawEvent ? Outcome.ENDED_WITH_EVENTS : Outcome.ENDED_EMPTY;
    }

    private FalStatus parse(String json) {
        try {
            return QueueStatuses.of(mapper.readValue(json, QueueStatus.class));
        } catch (IOException e) {
            throw FalException.decoding("status stream: an event is not a QueueStatus: " + e.getMessage());
        }
    }

    private static boolean sleepUntil(long nanoTime) {
        long left = nanoTime - System.nanoTime();
        if (left <= 0) {
            return true;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(left);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Closes the body (and wakes the reading thread) when the deadline passes, the follower asks to stop, or no line
     * arrived for the idle timeout (re-armed on every line).
     */
    private final class Watchdog {
        private final InputStream body;
        private final Thread reader = Thread.currentThread();
        private final ScheduledFuture<?> atDeadline;
        private final ScheduledFuture<?> stopCheck;
        private final Runnable unregister;
        private volatile ScheduledFuture<?> idle;
        /** Guarded by this: the read is over (no more interrupts), whether we interrupted the reader, and whether it is
         * blocked in a read now (only then is it interrupted: a listener's ledger write must not be). */
        private boolean done;

        private boolean woke;

        private boolean inRead;

        private boolean closed;

        Watchdog(InputStream body, long deadline, BooleanSupplier stop) {
            this.body = body;
            this.atDeadline =
                    timer.schedule(this::close, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            this.idle = timer.schedule(this::close, idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
            this.stopCheck = timer.scheduleWithFixedDelay(
                    () -> {
                        if (stop.getAsBoolean()) {
                            close();
                        }
                    },
                    STOP_CHECK_MILLIS,
                    STOP_CHECK_MILLIS,
                    TimeUnit.MILLISECONDS);
            this.unregister = CallDeadline.whenCancelledHere(this::close);
        }

        String readLine(BufferedReader in) throws IOException {
            synchronized (this) {
                if (closed) {
                    return null;
                }
                inRead = true;
            }
            try {
                return in.readLine();
            } finally {
                synchronized (this) {
                    inRead = false;
                }
            }
        }

        void lineSeen() {
            idle.cancel(false);
            idle = timer.schedule(this::close, idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        void stop() {
            unregister.run();
            stopCheck.cancel(false);
            atDeadline.cancel(false);
            idle.cancel(false);
            boolean clearInterrupt;
            synchronized (this) {
                done = true;
                clearInterrupt = woke;
            }
            if (clearInterrupt) {
                Thread.interrupted(); // ours, sent to end the read; not a request to stop the thread
            }
            closeBody();
        }

        private void close() {
            closeBody();
            synchronized (this) {
                closed = true;
                if (!done && !woke && inRead) {
                    woke = true;
                    reader.interrupt();
                }
            }
        }

        private void closeBody() {
            try {
                body.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
    }
}
