package dev.klingmcp.mock.queue;

import java.time.Duration;

/**
 * The mock's clock: manual (stands still until {@link #advance}) or scaled real time, switchable while the mock runs so
 * that a scenario or one test can stop time on a mock that another test ran at full speed. Switching never moves the
 * simulated time: the new mode continues from the current instant.
 */
public final class SwitchableClock implements SimClock {

    /** Speed 0 marks the manual mode. */
    private double speed;

    private long baseSimMillis;
    private long baseNanos;

    private SwitchableClock(long startEpochMillis, double speed) {
        this.baseSimMillis = startEpochMillis;
        this.baseNanos = System.nanoTime();
        this.speed = speed;
    }

    public static SwitchableClock manual(long startEpochMillis) {
        return new SwitchableClock(startEpochMillis, 0);
    }

    public static SwitchableClock scaled(double speed) {
        checkSpeed(speed);
        return new SwitchableClock(System.currentTimeMillis(), speed);
    }

    @Override
    public synchronized long nowMillis() {
        if (speed == 0) {
            return baseSimMillis;
        }
        double realMillis = (System.nanoTime() - baseNanos) / 1_000_000.0;
        return baseSimMillis + (long) Math.floor(realMillis * speed);
    }

    @Override
    public synchronized long realMillisFor(long simulatedMillis) {
        return speed == 0 ? -1 : (long) Math.ceil(Math.max(0, simulatedMillis) / speed);
    }

    public synchronized boolean isManual() {
        return speed == 0;
    }

    /** Simulated seconds per real second; 0 when manual. */
    public synchronized double speed() {
        return speed;
    }

    /** Stops time where it is. */
    public synchronized void useManual() {
        rebase(0);
    }

    /** Lets time run at {@code speed} simulated seconds per real second from the current instant. */
    public synchronized void useScaled(double speed) {
        checkSpeed(speed);
        rebase(speed);
    }

    /**
     * Moves a manual clock forward.
     *
     * @throws IllegalStateException on a scaled clock, where only real time moves it
     */
    public synchronized long advance(Duration by) {
        if (speed != 0) {
            throw new IllegalStateException("the clock only advances by hand when the mock runs with a manual clock"
                    + " (MockFalOptions.setManualClock(true), --manual-clock, or a scenario with \"clock\":"
                    + " {\"mode\": \"manual\"})");
        }
        if (by.isNegative()) {
            throw new IllegalArgumentException("cannot advance the clock by a negative duration: " + by);
        }
        baseSimMillis += by.toMillis();
        return baseSimMillis;
    }

    private void rebase(double newSpeed) {
        baseSimMillis = nowMillis();
        baseNanos = System.nanoTime();
        speed = newSpeed;
    }

    private static void checkSpeed(double speed) {
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be a positive finite number, got " + speed);
        }
    }
}
