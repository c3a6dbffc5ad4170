package dev.klingmcp.server.fal;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The moment by which the tool call running on this thread must have answered. MCP clients give up on a call after
 * about 60 s, so the call answers at its deadline with what is known; the work it started may go on in the background,
 * but the gateway starts no retry that would end after the deadline (a retry nobody waits for only spends fal's rate
 * limit). Threads without a deadline (start-up reconciliation, downloads continuing in the background) retry freely.
 *
 * <p>The job service notes the job a call is about as soon as it has a ledger row, so that a call cut by its deadline
 * can still answer with that job's id and last known state.
 */
public final class CallDeadline {

    private static final ThreadLocal<CallDeadline> CURRENT = new ThreadLocal<>();

    private final long endNanos;

    /** Whether the call runs on its transport's own thread (see {@link #inline}). */
    private final boolean inline;

    private volatile String jobId;

    /** When the client cancelled the call ({@code notifications/cancelled}), else 0. */
    private volatile long cancelledAtNanos;

    /** What to stop when the client cancels (an open status stream); run once, on the cancelling thread. */
    private final java.util.List<Runnable> onCancel = new java.util.concurrent.CopyOnWriteArrayList<>();

    private CallDeadline(long endNanos, boolean inline) {
        this.endNanos = endNanos;
        this.inline = inline;
    }

    /** A deadline {@code budget} from now. */
    public static CallDeadline after(Duration budget) {
        return new CallDeadline(System.nanoTime() + budget.toNanos(), false);
    }

    /**
     * A deadline {@code budget} from now for a call tried on its transport's own thread, where nothing could answer at
     * the deadline while the call waited: such a call may read and write local state, and work that would wait (ask
     * fal, wait for the ledger to open) throws {@link WouldBlock} instead, before it asked or wrote anything, so that
     * the call is run again on a call thread whose deadline can be kept. Saves a status read from the ledger two
     * thread hand-offs.
     */
    public static CallDeadline inline(Duration budget) {
        return new CallDeadline(System.nanoTime() + budget.toNanos(), true);
    }

    /** Whether the call on this thread runs inline (see {@link #inline}): it must not wait. */
    public static boolean inlineHere() {
        CallDeadline d = CURRENT.get();
        return d != null && d.inline;
    }

    /** Thrown by work that would wait while its call runs {@link #inline}: run the call on a call thread. */
    public static final class WouldBlock extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public WouldBlock() {
            super("this call would wait: not on the transport's thread", null, false, false);
        }
    }

    /** Runs {@code work} on this thread with this deadline in force. */
    public <T> T run(Supplier<T> work) {
        CallDeadline outer = CURRENT.get();
        CURRENT.set(this);
        try {
            return work.get();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    /** The deadline in force on this thread, or null: work handed to other threads carries it along with {@link #run}. */
    public static CallDeadline current() {
        return CURRENT.get();
    }

    /** Time left (never negative). */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    /** The time left of the deadline in force on this thread, or null when there is none. */
    public static Duration remainingHere() {
        CallDeadline d = CURRENT.get();
        return d == null ? null : d.remaining();
    }

    /** Records the job the current call is about (the latest one noted); no-op on threads without a deadline. */
    public static void noteJob(String id) {
        CallDeadline d = CURRENT.get();
        if (d != null) {
            d.jobId = id;
        }
    }

    /**
     * The client cancelled the call: waits it started end now (the answer goes nowhere), work that records or pays for
     * something (a ledger write, a submit, a download) is not interrupted.
     */
    public void cancel() {
        if (cancelledAtNanos != 0) {
            return;
        }
        cancelledAtNanos = System.nanoTime() | 1; // never 0
        onCancel.forEach(Runnable::run);
    }

    public boolean isCancelled() {
        return cancelledAtNanos != 0;
    }

    /** When {@link #cancel} was called ({@link System#nanoTime}), or 0. */
    public long cancelledAtNanos() {
        return cancelledAtNanos;
    }

    /** Whether the call running on this thread was cancelled by its client. */
    public static boolean cancelledHere() {
        CallDeadline d = CURRENT.get();
        return d != null && d.isCancelled();
    }

    /**
     * Runs {@code stop} when the call on this thread is cancelled (at once if it already is); the returned handle
     * removes it again. A no-op on threads without a deadline.
     */
    public static Runnable whenCancelledHere(Runnable stop) {
        CallDeadline d = CURRENT.get();
        if (d == null) {
            return () -> {};
        }
        d.onCancel.add(stop);
        if (d.isCancelled()) {
            stop.run();
        }
        return () -> d.onCancel.remove(stop);
    }

    /** The job the call noted, or null. */
    public String jobId() {
        return jobId;
    }
}
