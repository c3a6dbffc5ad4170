package dev.klingmcp.server.jobs.impl;

import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.server.fal.FalGateway;
import dev.klingmcp.server.fal.FalStatus;
import dev.klingmcp.server.ledger.JobRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one job for {@link JobFollowers}: on a stream when one is free, else by a status read per turn; quiet (the
 * ledger only) while fal is to call back. Its owner holds what followers share: the stream budget, the threads, the
 * gateway and the service's hooks.
 */
final class JobFollower {

    private static final Logger LOG = LoggerFactory.getLogger(JobFollower.class);

    private final JobFollowers owner;

    private final String localId;
    private final String requestId;
    private final FalEndpoint endpoint;
    private final List<FollowRegistration> waiters = new java.util.ArrayList<>();
    private final List<FollowRegistration> watchers = new java.util.ArrayList<>();
    /** Guarded by this. */
    private long idleSince = System.nanoTime();

    private long keepUntil = System.nanoTime();
    private boolean onStream;
    private boolean ended;
    private long pollDelayNanos;
    private String lastSeen;
    /** Until then fal is not asked (webhooks); the ledger row is re-read instead. */
    private final long quietUntil;

    JobFollower(JobFollowers owner, String localId, String requestId, FalEndpoint endpoint, Duration quiet) {
        this.owner = owner;
        this.localId = localId;
        this.requestId = requestId;
        this.endpoint = endpoint;
        this.quietUntil = System.nanoTime() + quiet.toNanos();
        this.pollDelayNanos = owner.pollFirst;
    }

    private boolean quiet() {
        return System.nanoTime() - quietUntil < 0;
    }

    void start() {
        if (quiet()) {
            schedule(this::checkQuietly, JobFollowers.QUIET_CHECK.toNanos());
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
            end(JobFollowers.End.STREAM_ENDED);
            return;
        }
        try {
            tellIfNew(owner.hooks.read(localId));
        } catch (RuntimeException e) {
            LOG.debug("reading {} from the ledger failed: {}", localId, e.toString());
        }
        if (isEnded()) {
            return;
        }
        if (quiet()) {
            schedule(this::checkQuietly, JobFollowers.QUIET_CHECK.toNanos());
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
            end(JobFollowers.End.COMPLETED);
        }
    }

    private void startUpstream() {
        if (owner.takeStream()) {
            synchronized (this) {
                onStream = true;
            }
            runOnStream();
        } else {
            // Spread the first reads of many jobs followed at once over the first turn.
            schedule(this::poll, ThreadLocalRandom.current().nextLong(owner.pollFirst));
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
        if (!owner.takeStream()) {
            return false;
        }
        synchronized (this) {
            if (ended || onStream) {
                owner.releaseStream();
                return true;
            }
            onStream = true; // the scheduled poll sees this and leaves the job to the stream
        }
        runOnStream();
        return true;
    }

    synchronized boolean join(FollowRegistration reg, boolean watcher) {
        if (ended) {
            return false;
        }
        (watcher ? watchers : waiters).add(reg);
        return true;
    }

    void leave(FollowRegistration reg, boolean watcher) {
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

    /** Nobody waits, watches or keeps the job, and has not for the owner's linger; or the service is closing. */
    synchronized boolean shouldStop() {
        long now = System.nanoTime();
        return owner.isClosed()
                || ended
                || (waiters.isEmpty()
                        && watchers.isEmpty()
                        && now - keepUntil > 0
                        && now - idleSince > owner.linger.toNanos());
    }

    private void runOnStream() {
        try {
            owner.streamThreads.execute(this::stream);
        } catch (RejectedExecutionException e) {
            owner.releaseStream();
            end(JobFollowers.End.STREAM_ENDED);
        }
    }

    private void stream() {
        FalStatus[] last = new FalStatus[1];
        boolean failed = false;
        try {
            while (!shouldStop()) {
                FalGateway.StreamEnd end = owner.gateway.streamStatus(
                        endpoint,
                        requestId,
                        owner.streamMax,
                        s -> {
                            last[0] = s;
                            JobRecord after = owner.hooks.apply(localId, s);
                            tellAll(after, s);
                        },
                        this::shouldStop);
                if (end == FalGateway.StreamEnd.COMPLETED) {
                    owner.releaseStream();
                    completed(last[0]);
                    return;
                }
            }
        } catch (RuntimeException e) {
            failed = true;
            LOG.warn("following {} on fal's status stream stopped: {}", localId, e.getMessage());
        }
        owner.releaseStream();
        if (!failed || shouldStop()) {
            end(JobFollowers.End.STREAM_ENDED);
            return;
        }
        // The stream failed: blocking waits read the status themselves; watchers go on by status reads.
        List<FollowRegistration> blocking;
        synchronized (this) {
            onStream = false;
            blocking = List.copyOf(waiters);
        }
        blocking.forEach(r -> r.finish(JobFollowers.End.STREAM_ENDED));
        schedule(this::poll, owner.pollFirst);
    }

    /** fal said COMPLETED: the result is settled once, for everyone; a failure to fetch it ends the wait too. */
    private void completed(FalStatus last) {
        try {
            tellAll(owner.hooks.completed(localId, last), null);
        } catch (RuntimeException e) {
            LOG.warn("settling {} after fal completed it failed: {}", localId, e.getMessage());
            end(JobFollowers.End.STREAM_ENDED);
            return;
        }
        end(JobFollowers.End.COMPLETED);
    }

    private void schedule(Runnable task, long delayNanos) {
        try {
            // Nothing waits for the turn's outcome: each task handles its own failures and schedules the next turn.
            var unused = owner.pollThreads.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            end(JobFollowers.End.STREAM_ENDED);
        }
    }

    private void poll() {
        synchronized (this) {
            if (onStream || ended) {
                return; // a stream took over
            }
        }
        if (shouldStop()) {
            end(JobFollowers.End.STREAM_ENDED);
            return;
        }
        if (owner.takeStream()) {
            synchronized (this) {
                onStream = true;
            }
            runOnStream();
            return;
        }
        JobRecord after = null;
        try {
            after = owner.hooks.poll(localId);
        } catch (dev.klingmcp.server.jobs.JobException e) {
            if (!e.retryable()) {
                LOG.warn("stopped following {}: {}", localId, e.getMessage());
                end(JobFollowers.End.STREAM_ENDED);
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
            pollDelayNanos = changed ? owner.pollFirst : Math.min(pollDelayNanos * 2, owner.pollMax);
            next = pollDelayNanos;
            if (!changed) {
                after = null;
            }
        }
        if (after != null) {
            tellAll(after, null);
            if (after.state().isTerminal()) {
                end(JobFollowers.End.COMPLETED);
                return;
            }
        }
        schedule(this::poll, next);
    }

    private void tellAll(JobRecord after, FalStatus event) {
        List<FollowRegistration> all;
        synchronized (this) {
            all = new java.util.ArrayList<>(waiters);
            all.addAll(watchers);
        }
        for (FollowRegistration reg : all) {
            reg.tell(after, event);
        }
    }

    void end(JobFollowers.End how) {
        List<FollowRegistration> blocking;
        List<FollowRegistration> watching;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            blocking = List.copyOf(waiters);
            watching = List.copyOf(watchers);
        }
        owner.forget(localId, this);
        blocking.forEach(r -> r.finish(how));
        for (FollowRegistration r : watching) {
            try {
                r.ended.run();
            } catch (RuntimeException e) {
                LOG.debug("job watcher's end failed: {}", e.toString());
            }
        }
    }

    /** What a watcher would notice changing in a row. */
    private static String fingerprint(JobRecord r) {
        return r.state() + "|" + r.falStatus() + "|" + r.queuePosition() + "|"
                + (r.logsJson() == null ? 0 : r.logsJson().hashCode()) + "|" + (r.resultJson() != null);
    }
}
