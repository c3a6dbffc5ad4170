package dev.klingmcp.mock.queue;

import java.util.ArrayDeque;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs listener callbacks one at a time, in the order they were enqueued, on whichever thread calls {@link #drain()}.
 * The engine enqueues under its lock and drains after releasing it, so listeners never run under the lock yet an SSE
 * stream can never see COMPLETED before the IN_PROGRESS event that preceded it.
 */
final class SerialDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(SerialDispatcher.class);

    private final Queue<Runnable> pending = new ArrayDeque<>();
    private boolean draining;

    void enqueue(Runnable task) {
        synchronized (pending) {
            pending.add(task);
        }
    }

    void drain() {
        while (true) {
            Runnable next;
            synchronized (pending) {
                if (draining || pending.isEmpty()) {
                    return;
                }
                next = pending.poll();
                draining = true;
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.warn("job listener failed: {}", e.toString());
            } finally {
                synchronized (pending) {
                    draining = false;
                }
            }
        }
    }
}
