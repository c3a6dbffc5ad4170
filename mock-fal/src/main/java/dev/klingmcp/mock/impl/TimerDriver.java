package dev.klingmcp.mock.impl;

import dev.klingmcp.mock.queue.QueueEngine;
import dev.klingmcp.mock.queue.SimClock;
import io.vertx.core.Vertx;

/**
 * Keeps one Vert.x timer set for the engine's next event, so SSE streams and webhooks hear about changes when they
 * happen rather than at the next request. Does nothing on a manual clock (time only moves when told to).
 */
final class TimerDriver {

    private final Vertx vertx;
    private final QueueEngine engine;
    private final SimClock clock;
    private long timerId = -1;
    private long timerAt = Long.MAX_VALUE;
    private boolean stopped;

    TimerDriver(Vertx vertx, QueueEngine engine, SimClock clock) {
        this.vertx = vertx;
        this.engine = engine;
        this.clock = clock;
    }

    synchronized void reschedule() {
        if (stopped) {
            return;
        }
        long next = engine.nextEventAt();
        if (next == Long.MAX_VALUE) {
            cancel();
            return;
        }
        long realDelay = clock.realMillisFor(next - clock.nowMillis());
        if (realDelay < 0 || (timerId >= 0 && timerAt <= next)) {
            return;
        }
        cancel();
        timerAt = next;
        timerId = vertx.setTimer(Math.max(1, realDelay), this::fired);
    }

    synchronized void stop() {
        stopped = true;
        cancel();
    }

    private void fired(long id) {
        synchronized (this) {
            if (id != timerId) {
                return;
            }
            timerId = -1;
            timerAt = Long.MAX_VALUE;
        }
        engine.advance();
    }

    private void cancel() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        timerId = -1;
        timerAt = Long.MAX_VALUE;
    }
}
