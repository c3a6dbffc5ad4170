package dev.klingmcp.mock.queue;

/**
 * Real time multiplied by a speed factor: at 60 a 318 s Kling pro job finishes in 5.3 real seconds, at 1000 in 0.3 s.
 * Starts at the real wall-clock time so log timestamps look plausible.
 */
public final class ScaledClock implements SimClock {

    private final double speed;
    private final long startEpochMillis;
    private final long startNanos;

    public ScaledClock(double speed) {
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed factor must be a positive finite number, got " + speed);
        }
        this.speed = speed;
        this.startEpochMillis = System.currentTimeMillis();
        this.startNanos = System.nanoTime();
    }

    public double speed() {
        return speed;
    }

    @Override
    public long nowMillis() {
        double realMillis = (System.nanoTime() - startNanos) / 1_000_000.0;
        return startEpochMillis + (long) Math.floor(realMillis * speed);
    }

    @Override
    public long realMillisFor(long simulatedMillis) {
        return (long) Math.ceil(Math.max(0, simulatedMillis) / speed);
    }
}
