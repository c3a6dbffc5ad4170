package dev.klingmcp.mock.scenario;

import dev.klingmcp.mock.fault.FaultPlan;

/**
 * A named setting of the mock's clock and fault plan, for users outside the JVM: read from a JSON file at start
 * ({@code --scenario FILE}) or sent to {@code PUT /_mock/scenario}. The JSON Schema is
 * {@code mock-fal/scenario.schema.json} on the classpath (also served at {@code GET /_mock/scenario/schema}).
 *
 * @param clock  the clock to use, or null to keep the current one
 * @param faults the fault plan replacing the current one, or null to keep it
 */
public record Scenario(Clock clock, FaultPlan faults) {

    /**
     * How simulated time runs.
     *
     * @param manual true: time stands still until advanced by hand
     * @param speed  simulated seconds per real second when not manual
     */
    public record Clock(boolean manual, double speed) {

        public static Clock manualClock() {
            return new Clock(true, 0);
        }

        public static Clock scaled(double speed) {
            if (!(speed > 0) || Double.isInfinite(speed)) {
                throw new IllegalArgumentException("speed must be a positive finite number, got " + speed);
            }
            return new Clock(false, speed);
        }
    }
}
