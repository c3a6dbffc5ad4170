package dev.klingmcp.mock;

import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.mock.queue.JobSnapshot;
import dev.klingmcp.mock.queue.SubmitCounters;
import dev.klingmcp.mock.report.RecordedRequest;
import dev.klingmcp.mock.scenario.Scenario;
import dev.klingmcp.mock.webhook.WebhookDelivery;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Test-side control of a running mock; the same operations are served over HTTP under {@code /_mock/…} for
 * out-of-process users (see {@code dev.klingmcp.mock.control.ControlRoutes}).
 */
public interface MockControl {

    /**
     * Forgets jobs, counters, webhook records, uploads, recorded requests and added faults; the options' fault plan and
     * clock mode are reinstalled (time itself never goes back).
     */
    void reset();

    /** Every job, oldest first. */
    List<JobSnapshot> jobs();

    Optional<JobSnapshot> job(String requestId);

    /** Submit attempts and accepted jobs per endpoint id. */
    Map<String, SubmitCounters.Count> submits();

    /** Queue calls so far by kind (SUBMIT, STATUS, STREAM, RESULT, CANCEL...), e.g. to prove nobody polled. */
    Map<String, Long> queueCalls();

    /** The simulated time, epoch millis. */
    long nowMillis();

    /**
     * Moves the manual clock forward and processes everything that became due.
     *
     * @return the new simulated time
     * @throws IllegalStateException when the mock runs on a scaled real-time clock
     */
    long advanceClock(Duration by);

    /** Replaces the fault plan and restarts its random sequences from the seed. */
    void setFaults(FaultPlan plan);

    /** Adds scripts/probabilities to the current plan. */
    void addFaults(FaultPlan plan);

    /** The current plan with what is left of its scripts. */
    FaultPlan faults();

    /** Faults injected so far, keyed {@code route=kind}. */
    Map<String, Long> injectedFaults();

    /** Webhook deliveries so far, with their attempts. */
    List<WebhookDelivery> webhookDeliveries();

    /** The clock's current mode. */
    Scenario.Clock clock();

    /** Switches the clock between manual and scaled; the simulated time continues from where it is. */
    void setClock(Scenario.Clock clock);

    /** Applies what the scenario sets: the clock mode, and the fault plan (replacing the current one). */
    default void apply(Scenario scenario) {
        if (scenario.clock() != null) {
            setClock(scenario.clock());
        }
        if (scenario.faults() != null) {
            setFaults(scenario.faults());
        }
    }

    /** Every request received since the start or the last reset (control calls excluded), oldest first. */
    List<RecordedRequest> requests();

    /** The recorded requests that did not match fal's documents. */
    default List<RecordedRequest> contractViolations() {
        return requests().stream().filter(r -> !r.matched()).toList();
    }
}
