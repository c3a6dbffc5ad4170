package dev.klingmcp.mock.queue;

/**
 * The mock's notion of "now", in simulated epoch milliseconds.
 *
 * <p>Queue waits, run times, log timestamps and request timeouts are all measured on this clock, so a test can run a
 * five-minute Kling job in a millisecond (a scaled clock with a large factor) or step through it exactly
 * ({@link ManualClock}).
 */
public interface SimClock {

    /** Simulated wall-clock time in epoch milliseconds. Never goes backwards. */
    long nowMillis();

    /**
     * How many real milliseconds pass while this clock advances {@code simulatedMillis}; {@code -1} when the clock only
     * moves when told to (a manual clock), so no timer can bring the event closer.
     */
    long realMillisFor(long simulatedMillis);
}
