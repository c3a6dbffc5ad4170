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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

    // Package-private: shared with every JobFollower, which is this class's own part kept in a file of its own.
    final FalGateway gateway;
    final Hooks hooks;
    final Duration linger;
    final Duration streamMax;
    private final int maxStreams;
    final long pollFirst;
    final long pollMax;
    private final AtomicInteger streams = new AtomicInteger();
    private final Map<String, JobFollower> followers = new ConcurrentHashMap<>();
    final ExecutorService streamThreads;
    final ScheduledExecutorService pollThreads;
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
        JobFollower f = followers.get(localId);
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
        FollowRegistration reg = new FollowRegistration(waiter, null);
        for (int attempt = 0; attempt < 3; attempt++) {
            JobFollower f = followerFor(r, endpoint);
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
        FollowRegistration reg = new FollowRegistration(waiter, ended);
        for (int attempt = 0; attempt < 3; attempt++) {
            JobFollower f = followerFor(r, endpoint);
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
        JobFollower f = followerFor(r, endpoint);
        return f != null && f.keepFor(howLong);
    }

    /** News from elsewhere (a webhook): told to everyone following the job; a finished job's follower ends. */
    void changed(JobRecord after) {
        JobFollower f = followers.get(after.localId());
        if (f != null) {
            f.tellIfNew(after);
        }
    }

    private JobFollower followerFor(JobRecord r, FalEndpoint endpoint) {
        if (closed) {
            return null;
        }
        JobFollower[] started = new JobFollower[1];
        JobFollower f = followers.compute(r.localId(), (id, existing) -> {
            if (existing != null && !existing.isEnded()) {
                return existing;
            }
            if (followers.size() >= MAX_FOLLOWED + (existing == null ? 0 : 1)) {
                return existing;
            }
            started[0] = new JobFollower(this, id, r.requestId(), endpoint, hooks.quietFor(r));
            return started[0];
        });
        if (started[0] != null) {
            started[0].start();
        }
        return f == null || f.isEnded() ? null : f;
    }

    boolean isClosed() {
        return closed;
    }

    /** A follower that ended leaves the map (only itself: a newer follower of the job may be there already). */
    void forget(String localId, JobFollower follower) {
        followers.remove(localId, follower);
    }

    /** Gives back a stream {@link #takeStream} handed out. */
    void releaseStream() {
        streams.decrementAndGet();
    }

    boolean takeStream() {
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
        for (JobFollower f : List.copyOf(followers.values())) {
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
}
