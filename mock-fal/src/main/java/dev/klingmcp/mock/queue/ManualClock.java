package dev.klingmcp.mock.queue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that stands still until {@link #advance(Duration)} is called: tests step through a job's life exactly. */
public final class ManualClock implements SimClock {

    private final AtomicLong now;

    public ManualClock(long startEpochMillis) {
        this.now = new AtomicLong(startEpochMillis);
    }

    @Override
    public long nowMillis() {
        return now.get();
    }

    @Override
    public long realMillisFor(long simulatedMillis) {
        return -1;
    }

    /** Moves the clock forward; negative durations are refused because jobs must never travel back in time. */
    public long advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("cannot advance the clock by a negative duration: " + by);
        }
        return now.addAndGet(by.toMillis());
    }
}
