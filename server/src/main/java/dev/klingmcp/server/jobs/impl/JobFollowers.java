package dev.klingmcp.server.jobs.impl;

import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.server.fal.CallDeadline;
import dev.klingmcp.server.fal.FalGateway;
import dev.klingmcp.server.fal.FalStatus;
import dev.klingmcp.server.ledger.JobRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One follower per unfinished job in this process, shared by everything that waits on that job: {@code status} calls
 * with a wait, resource subscriptions and the stateless lane's listeners ({@link #watch}), and the background follower
 * of the jobs this replica holds the lease of ({@link #keep}). Each of them used to open its own fal status stream; now
 * a job costs one stream for its whole life (plus a reconnect when fal closes it early), its events are applied to the
 * ledger once and handed to every waiter, and its result is fetched once.
 *
 * <p>Bounded: at most {@code maxStreams} followers hold a stream (a thread and a connection each). A job followed
 * beyond that is read once per turn instead ({@link Hooks#poll}: one status GET), first after a few seconds, then less
 * often while nothing changes, up to a minute ({@link Limits}); it takes over a stream as soon as one is free. A
 * blocking wait on such a job streams on its own ({@link End#UNAVAILABLE}), as before there were followers.
 *
 * <p>A follower stops when its job finished, or once nobody waits, watches or keeps it and {@code linger} passed (an
 * agent polling in a loop of short waits finds the stream still there at its next call).
 */
final class JobFollowers implements AutoCloseable {

    /**
     * How many jobs hold a stream at once, and the status-read turns of the others: the first after {@code pollFirst},
     * doubling while nothing changes up to {@code pollMax}.
     */
    record Limits(int maxStreams, Duration pollFirst, Duration pollMax) {
        static final Limits DEFAULT = new Limits(64, Duration.ofSeconds(5), Duration.ofSeconds(60));
    }

    /** Jobs followed at once (on a stream or polled): bounds memory. */
    static final int MAX_FOLLOWED = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(JobFollowers.class);

    /** How a blocking wait ended. */
    enum End {
        /** The job finished (fal said COMPLETED and the follower settled it). */
        COMPLETED,
        /** The waiter's own time is up; the job goes on. */
        TIME_UP,
        /** The stream failed or the follower stopped; the waiter should read the status itself. */
        STREAM_ENDED,
        /** No stream could be had (too many jobs on streams): the waiter streams on its own. */
        UNAVAILABLE
    }

    /** What a waiter hears: the ledger row after a change, and the stream event behind it (null after a poll). */
    interface Waiter {
        void onChange(JobRecord after, FalStatus event);
    }

    /** The job service's side: how an event is recorded, a completed job settled, a status read once. */
    interface Hooks {
        JobRecord apply(String localId, FalStatus event);

        /** After the stream's COMPLETED: the result fetched (when fal reported no error); the row after. */
        JobRecord completed(String localId, FalStatus last);

        /** One status read from fal, recorded (settled when finished); the row after. */
        JobRecord poll(String localId);

        /** The row as the ledger has it now (no request to fal). */
        JobRecord read(String localId);

        /**
         * How long fal is not to be asked about this job from now: fal calls back (a webhook) when it ends, so only
         * a job silent for long is followed upstream. Zero: follow it at once.
         */
        Duration quietFor(JobRecord r);
    }

    /** How often a quiet job's ledger row is re-read (a webhook may land on another replica). */
    static final Duration QUIET_CHECK = Duration.ofSeconds(2);

    private final FalGateway gateway;
    private final Hooks hooks;
    private final Duration linger;
    private final Duration streamMax;
    private final int maxStreams;
    private final long pollFirst;
    private final long pollMax;
    private final AtomicInteger streams = new AtomicInteger();
    private final Map<String, Follower> followers = new ConcurrentHashMap<>();
    private final ExecutorService streamThreads;
    private final ScheduledExecutorService pollThreads;
    private volatile boolean closed;

    JobFollowers(FalGateway gateway, Hooks hooks, Duration linger, Duration streamMax, Limits limits) {
        this.gateway = gateway;
        this.hooks = hooks;
        this.linger = linger;
        this.streamMax = streamMax;
        this.maxStreams = limits.maxStreams();
        this.pollFirst = limits.pollFirst().toNanos();
        this.pollMax = limits.pollMax().toNanos();
        AtomicInteger n = new AtomicInteger();
        this.streamThreads = Executors.newCachedThreadPool(r -> daemon(r, "fal-follower-" + n.incrementAndGet()));
        AtomicInteger p = new AtomicInteger();
        this.pollThreads =
                Executors.newScheduledThreadPool(2, r -> daemon(r, "fal-follower-poll-" + p.incrementAndGet()));
    }

    /** Whether a stream follows this job now: its ledger row is then as fresh as fal's last event. */
    boolean streaming(String localId) {
        Follower f = followers.get(localId);
        return f != null && f.streaming();
    }

    /** Jobs followed now, and how many of them on a stream (for tests and logs). */
    int followed() {
        return followers.size();
    }

    int streams() {
        return streams.get();
    }

    /**
     * Waits up to {@code max} on the job's shared stream (starting or taking one if needed), handing every change to
     * {@code waiter} on the follower's thread.
     */
    End await(JobRecord r, FalEndpoint endpoint, Duration max, Waiter waiter) {
        long deadline = System.nanoTime() + max.toNanos();
        Registration reg = new Registration(waiter, null);
        for (int attempt = 0; attempt < 3; attempt++) {
            Follower f = followerFor(r, endpoint);
            if (f == null || !f.streamOrTakeOne()) {
                return End.UNAVAILABLE;
            }
            if (f.join(reg, false)) {
                // A call its client cancelled stops waiting at once; the shared stream goes on for the others.
                Runnable unregister = CallDeadline.whenCancelledHere(() -> reg.finish(End.TIME_UP));
                try {
                    return reg.awaitEnd(deadline);
                } finally {
                    unregister.run();
                    f.leave(reg, false);
                }
            }
            // It ended between lookup and join: the next lookup starts a new one.
        }
        return End.STREAM_ENDED;
    }

    /**
     * Follows the job until it finishes or the returned handle is run, telling {@code waiter} every change and
     * {@code ended} once when following stops for good; null when no more jobs can be followed.
     */
    Runnable watch(JobRecord r, FalEndpoint endpoint, Waiter waiter, Runnable ended) {
        Registration reg = new Registration(waiter, ended);
        for (int attempt = 0; attempt < 3; attempt++) {
            Follower f = followerFor(r, endpoint);
            if (f == null) {
                return null;
            }
            if (f.join(reg, true)) {
                return () -> f.leave(reg, true);
            }
        }
        return null;
    }

    /** Keeps following the job (nobody need wait) for at least {@code howLong}; false when it cannot be followed. */
    boolean keep(JobRecord r, FalEndpoint endpoint, Duration howLong) {
        Follower f = followerFor(r, endpoint);
        return f != null && f.keepFor(howLong);
    }

    /** News from elsewhere (a webhook): told to everyone following the job; a finished job's follower ends. */
    void changed(JobRecord after) {
        Follower f = followers.get(after.localId());
        if (f != null) {
            f.tellIfNew(after);
        }
    }

    private Follower followerFor(JobRecord r, FalEndpoint endpoint) {
        if (closed) {
            return null;
        }
        Follower[] started = new Follower[1];
        Follower f = followers.compute(r.localId(), (id, existing) -> {
            if (existing != null && !existing.isEnded()) {
                return existing;
            }
            if (followers.size() >= MAX_FOLLOWED + (existing == null ? 0 : 1)) {
                return existing;
            }
            started[0] = new Follower(id, r.requestId(), endpoint, hooks.quietFor(r));
            return started[0];
        });
        if (started[0] != null) {
            started[0].start();
        }
        return f == null || f.isEnded() ? null : f;
    }

    private boolean takeStream() {
        int n = streams.get();
        while (n < maxStreams) {
            if (streams.compareAndSet(n, n + 1)) {
                return true;
            }
            n = streams.get();
        }
        return false;
    }

    @Override
    public void close() {
        closed = true;
        for (Follower f : List.copyOf(followers.values())) {
            f.end(End.STREAM_ENDED);
        }
        pollThreads.shutdownNow();
        streamThreads.shutdown();
        try {
            streamThreads.awaitTermination(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        streamThreads.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** One waiting caller ({@code ended} == null: a blocking wait) or watcher. */
    private static final class Registration {

        private final Waiter waiter;
        private final Runnable ended;
        private End end;

        Registration(Waiter waiter, Runnable ended) {
            this.waiter = waiter;
            this.ended = ended;
        }

        void tell(JobRecord after, FalStatus event) {
            try {
                waiter.onChange(after, event);
            } catch (RuntimeException e) {
                // A waiter (e.g. a client that went away) must not stop the follower from recording fal's progress.
                LOG.warn("job waiter failed: {}", e.toString());
            }
        }

        synchronized void finish(End how) {
            if (end == null) {
                end = how;
                notifyAll();
            }
        }

        synchronized End awaitEnd(long deadline) {
            while (end == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return End.TIME_UP;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return End.TIME_UP;
                }
            }
            return end;
        }
    }

    /** Follows one job: on a stream when one is free, else by a status read per turn. */
    private final class Follower {

        private final String localId;
        private final String requestId;
        private final FalEndpoint endpoint;
        private final List<Registration> waiters = new java.util.ArrayList<>();
        private final List<Registration> watchers = new java.util.ArrayList<>();
        /** Guarded by this. */
        private long idleSince = System.nanoTime();

        private long keepUntil = System.nanoTime();
        private boolean onStream;
        private boolean ended;
        private long pollDelayNanos;
        private String lastSeen;
        /** Until then fal is not asked (webhooks); the ledger row is re-read instead. */
        private final long quietUntil;

        Follower(String localId, String requestId, FalEndpoint endpoint, Duration quiet) {
            this.localId = localId;
            this.requestId = requestId;
            this.endpoint = endpoint;
            this.quietUntil = System.nanoTime() + quiet.toNanos();
            this.pollDelayNanos = pollFirst;
        }

        private boolean quiet() {
            return System.nanoTime() - quietUntil < 0;
        }

        void start() {
            if (quiet()) {
                schedule(this::checkQuietly, QUIET_CHECK.toNanos());
                return;
            }
            startUpstream();
        }

        /** While quiet: the ledger only (a webhook writes it); afterwards fal is asked. */
        private void checkQuietly() {
            if (isEnded()) {
                return;
            }
            if (shouldStop()) {
                end(End.STREAM_ENDED);
                return;
            }
            try {
                tellIfNew(hooks.read(localId));
            } catch (RuntimeException e) {
                LOG.debug("reading {} from the ledger failed: {}", localId, e.toString());
            }
            if (isEnded()) {
                return;
            }
            if (quiet()) {
                schedule(this::checkQuietly, QUIET_CHECK.toNanos());
            } else {
                startUpstream();
            }
        }

        /** Tells everyone about a row changed elsewhere, once; a finished job's follower ends. */
        void tellIfNew(JobRecord after) {
            synchronized (this) {
                String seen = fingerprint(after);
                if (ended || seen.equals(lastSeen)) {
                    return;
                }
                lastSeen = seen;
            }
            tellAll(after, null);
            if (after.state().isTerminal()) {
                end(End.COMPLETED);
            }
        }

        private void startUpstream() {
            if (takeStream()) {
                synchronized (this) {
                    onStream = true;
                }
                runOnStream();
            } else {
                // Spread the first reads of many jobs followed at once over the first turn.
                schedule(this::poll, ThreadLocalRandom.current().nextLong(pollFirst));
            }
        }

        synchronized boolean isEnded() {
            return ended;
        }

        synchronized boolean streaming() {
            return onStream && !ended;
        }

        /** A blocking wait wants events as they happen: a polled job takes a free stream. */
        boolean streamOrTakeOne() {
            synchronized (this) {
                if (ended) {
                    return true; // join() refuses it and a new follower is made
                }
                if (onStream || quiet()) {
                    return true; // a quiet job's waiters hear the webhook
                }
            }
            if (!takeStream()) {
                return false;
            }
            synchronized (this) {
                if (ended || onStream) {
                    streams.decrementAndGet();
                    return true;
                }
                onStream = true; // the scheduled poll sees this and leaves the job to the stream
            }
            runOnStream();
            return true;
        }

        synchronized boolean join(Registration reg, boolean watcher) {
            if (ended) {
                return false;
            }
            (watcher ? watchers : waiters).add(reg);
            return true;
        }

        void leave(Registration reg, boolean watcher) {
            synchronized (this) {
                (watcher ? watchers : waiters).remove(reg);
                if (waiters.isEmpty() && watchers.isEmpty()) {
                    idleSince = System.nanoTime();
                }
            }
        }

        synchronized boolean keepFor(Duration howLong) {
            if (ended) {
                return false;
            }
            keepUntil = Math.max(keepUntil, System.nanoTime() + howLong.toNanos());
            return true;
        }

        /** Nobody waits, watches or keeps the job, and has not for {@link #linger}; or the service is closing. */
        synchronized boolean shouldStop() {
            long now = System.nanoTime();
            return closed
                    || ended
                    || (waiters.isEmpty()
                            && watchers.isEmpty()
                            && now - keepUntil > 0
                            && now - idleSince > linger.toNanos());
        }

        private void runOnStream() {
            try {
                streamThreads.execute(this::stream);
            } catch (RejectedExecutionException e) {
                streams.decrementAndGet();
                end(End.STREAM_ENDED);
            }
        }

        private void stream() {
            FalStatus[] last = new FalStatus[1];
            boolean failed = false;
            try {
                while (!shouldStop()) {
                    FalGateway.StreamEnd end = gateway.streamStatus(
                            endpoint,
                            requestId,
                            streamMax,
                            s -> {
                                last[0] = s;
                                JobRecord after = hooks.apply(localId, s);
                                tellAll(after, s);
                            },
                            this::shouldStop);
                    if (end == FalGateway.StreamEnd.COMPLETED) {
                        streams.decrementAndGet();
                        completed(last[0]);
                        return;
                    }
                }
            } catch (RuntimeException e) {
                failed = true;
                LOG.warn("following {} on fal's status stream stopped: {}", localId, e.getMessage());
            }
            streams.decrementAndGet();
            if (!failed || shouldStop()) {
                end(End.STREAM_ENDED);
                return;
            }
            // The stream failed: blocking waits read the status themselves; watchers go on by status reads.
            List<Registration> blocking;
            synchronized (this) {
                onStream = false;
                blocking = List.copyOf(waiters);
            }
            blocking.forEach(r -> r.finish(End.STREAM_ENDED));
            schedule(this::poll, pollFirst);
        }

        /** fal said COMPLETED: the result is settled once, for everyone; a failure to fetch it ends the wait too. */
        private void completed(FalStatus last) {
            try {
                tellAll(hooks.completed(localId, last), null);
            } catch (RuntimeException e) {
                LOG.warn("settling {} after fal completed it failed: {}", localId, e.getMessage());
                end(End.STREAM_ENDED);
                return;
            }
            end(End.COMPLETED);
        }

        private void schedule(Runnable task, long delayNanos) {
            try {
                pollThreads.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closing) {
                end(End.STREAM_ENDED);
            }
        }

        private void poll() {
            synchronized (this) {
                if (onStream || ended) {
                    return; // a stream took over
                }
            }
            if (shouldStop()) {
                end(End.STREAM_ENDED);
                return;
            }
            if (takeStream()) {
                synchronized (this) {
                    onStream = true;
                }
                runOnStream();
                return;
            }
            JobRecord after = null;
            try {
                after = hooks.poll(localId);
            } catch (dev.klingmcp.server.jobs.JobException e) {
                if (!e.retryable()) {
                    LOG.warn("stopped following {}: {}", localId, e.getMessage());
                    end(End.STREAM_ENDED);
                    return;
                }
                LOG.debug("status read of {} failed: {}", localId, e.getMessage());
            } catch (RuntimeException e) {
                LOG.debug("status read of {} failed: {}", localId, e.toString());
            }
            long next;
            synchronized (this) {
                String seen = after == null ? lastSeen : fingerprint(after);
                boolean changed = after != null && !seen.equals(lastSeen);
                lastSeen = seen;
                pollDelayNanos = changed ? pollFirst : Math.min(pollDelayNanos * 2, pollMax);
                next = pollDelayNanos;
                if (!changed) {
                    after = null;
                }
            }
            if (after != null) {
                tellAll(after, null);
                if (after.state().isTerminal()) {
                    end(End.COMPLETED);
                    return;
                }
            }
            schedule(this::poll, next);
        }

        private void tellAll(JobRecord after, FalStatus event) {
            List<Registration> all;
            synchronized (this) {
                all = new java.util.ArrayList<>(waiters);
                all.addAll(watchers);
            }
            for (Registration reg : all) {
                reg.tell(after, event);
            }
        }

        void end(End how) {
            List<Registration> blocking;
            List<Registration> watching;
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
                blocking = List.copyOf(waiters);
                watching = List.copyOf(watchers);
            }
            followers.remove(localId, this);
            blocking.forEach(r -> r.finish(how));
            for (Registration r : watching) {
                try {
                    r.ended.run();
                } catch (RuntimeException e) {
                    LOG.debug("job watcher's end failed: {}", e.toString());
                }
            }
        }
    }

    /** What a watcher would notice changing in a row. */
    private static String fingerprint(JobRecord r) {
        return r.state() + "|" + r.falStatus() + "|" + r.queuePosition() + "|"
                + (r.logsJson() == null ? 0 : r.logsJson().hashCode()) + "|" + (r.resultJson() != null);
    }
}
