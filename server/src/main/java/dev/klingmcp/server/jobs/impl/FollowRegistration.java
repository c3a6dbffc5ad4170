package dev.klingmcp.server.jobs.impl;

import dev.klingmcp.server.fal.FalStatus;
import dev.klingmcp.server.ledger.JobRecord;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One waiting caller ({@code ended} == null: a blocking wait) or watcher. */
final class FollowRegistration {

    private static final Logger LOG = LoggerFactory.getLogger(FollowRegistration.class);

    private final JobFollowers.Waiter waiter;
    final Runnable ended;
    private JobFollowers.End end;

    FollowRegistration(JobFollowers.Waiter waiter, Runnable ended) {
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

    synchronized void finish(JobFollowers.End how) {
        if (end == null) {
            end = how;
            notifyAll();
        }
    }

    synchronized JobFollowers.End awaitEnd(long deadline) {
        while (end == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return JobFollowers.End.TIME_UP;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return JobFollowers.End.TIME_UP;
            }
        }
        return end;
    }
}
