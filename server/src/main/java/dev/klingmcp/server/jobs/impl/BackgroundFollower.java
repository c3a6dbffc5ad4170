package dev.klingmcp.server.jobs.impl;

import dev.klingmcp.server.config.FollowSettings;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.ledger.JobLedger;
import dev.klingmcp.server.ledger.JobRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every unfinished job to its end, whether or not a client waits for it: each round it claims (or renews) a
 * lease on up to {@link FollowSettings#batch()} unfinished jobs in the ledger and hands each to the service's step,
 * which keeps the job's shared follower going for another lease (one fal status stream for the job's life, the same
 * one waiting tool calls and subscriptions use; a round itself asks fal nothing), settles a finished job and, with
 * downloads on, saves the video of a succeeded one.
 *
 * <p>The lease decides which replica follows a job in the background. A tool call waiting on a job another replica
 * holds still follows it here while it waits (and a short while after): its client wants each event as it happens,
 * and another process's stream cannot tell it; that costs one more stream per job per replica with waiters, never a
 * poll per call.
 *
 * <p>The lease lives in the ledger, so replicas sharing one PostgreSQL database split the jobs between them (the claim
 * skips rows another replica holds) and a replica that dies simply stops renewing: its leases run out and another replica
 * claims the jobs in its next round. Nothing else is coordinated between replicas: a job followed here may also be read
 * by a tool call on another replica, which is harmless (both record the same fal status).
 */
final class BackgroundFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundFollower.class);

    /** Status reads in flight at once: bounded against fal's rate limits and this process's threads. */
    private static final int THREADS = 4;

    private final JobLedger ledger;
    private final FollowSettings settings;
    private final Clock clock;
    private final Function<JobRecord, JobState> step;
    /** Who holds the leases: unique per process, readable in the ledger by an operator. */
    private final String owner;

    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private final ExecutorService workers;
    /** The scheduled rounds; cancelled by {@link #close()} (a round never throws, see {@link #round()}). */
    private volatile ScheduledFuture<?> rounds;

    /**
     * @param step reads one job's status (and downloads it if wanted) through the service; returns its state after
     */
    BackgroundFollower(JobLedger ledger, FollowSettings settings, Clock clock, Function<JobRecord, JobState> step) {
        this.ledger = ledger;
        this.settings = settings;
        this.clock = clock;
        this.step = step;
        this.owner = hostName() + "/" + ProcessHandle.current().pid() + "/"
                + UUID.randomUUID().toString().substring(0, 8);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kling-follow"));
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(THREADS, r -> daemon(r, "kling-follow-" + n.incrementAndGet()));
    }

    String owner() {
        return owner;
    }

    void start() {
        long every = settings.interval().toMillis();
        rounds = timer.scheduleWithFixedDelay(this::round, every, every, TimeUnit.MILLISECONDS);
        LOG.info(
                "following unfinished jobs in the background as {} (every {} s, lease {} s{})",
                owner,
                settings.interval().toSeconds(),
                settings.lease().toSeconds(),
                settings.download() ? ", saving videos" : "");
    }

    /** One round: claim or renew, then one step for every claimed job not still busy from an earlier round. */
    void round() {
        List<JobRecord> claimed;
        try {
            Instant until = clock.instant().plus(settings.lease());
            claimed = ledger.claimUnfinished(owner, until, settings.batch(), settings.download());
        } catch (RuntimeException e) {
            LOG.warn("background follower: cannot claim jobs: {}", e.getMessage());
            return;
        }
        held.clear();
        for (JobRecord r : claimed) {
            held.add(r.localId());
            if (r.updatedAt() != null
                    && r.updatedAt().plus(settings.quietFor()).isAfter(clock.instant())
                    && !settings.quietFor().isZero()) {
                continue; // changed recently (a webhook, a tool call): fal is not asked again yet
            }
            if (!busy.add(r.localId())) {
                continue;
            }
            try {
                workers.execute(() -> follow(r));
            } catch (RejectedExecutionException closed) {
                busy.remove(r.localId());
            }
        }
    }

    private void follow(JobRecord r) {
        try {
            JobState after = step.apply(r);
            if (after.isTerminal() && (!settings.download() || after != JobState.SUCCEEDED || downloaded(r))) {
                ledger.release(r.localId(), owner);
                held.remove(r.localId());
            }
        } catch (RuntimeException e) {
            // fal unreachable, a bad answer: the lease stays ours and the next round tries again.
            LOG.debug("background follower: {}: {}", r.publicId(), e.getMessage());
        } finally {
            busy.remove(r.localId());
        }
    }

    private boolean downloaded(JobRecord r) {
        return ledger.find(r.localId()).map(x -> x.localPath() != null).orElse(true);
    }

    /** Stops following; leases of jobs still unfinished are given back so another replica takes them over at once. */
    @Override
    public void close() {
        ScheduledFuture<?> r = rounds;
        if (r != null) {
            r.cancel(false);
        }
        timer.shutdownNow();
        workers.shutdownNow();
        for (String id : held) {
            try {
                ledger.release(id, owner);
            } catch (RuntimeException e) {
                return; // the ledger is gone: the leases simply run out
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static String hostName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "host";
            }
        }
        return host;
    }
}
