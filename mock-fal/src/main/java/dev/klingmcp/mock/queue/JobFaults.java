package dev.klingmcp.mock.queue;

/**
 * Misbehaviour decided for one job when it is submitted (the fault injector picks it, seeded).
 *
 * @param stuckInQueue  never leaves IN_QUEUE (until cancelled or its start timeout passes)
 * @param runnerFailure when non-null, the runner dies half way and the job ends COMPLETED with this {@code error_type}
 *                      (e.g. {@code runner_disconnected})
 * @param cancelIgnored cancel answers 202 but the job carries on to completion
 */
public record JobFaults(boolean stuckInQueue, String runnerFailure, boolean cancelIgnored) {

    public static final JobFaults NONE = new JobFaults(false, null, false);

    public boolean any() {
        return stuckInQueue || runnerFailure != null || cancelIgnored;
    }

    /** Combines two decisions (a scripted one and a random one, say); either side's faults apply. */
    public JobFaults and(JobFaults other) {
        return new JobFaults(
                stuckInQueue || other.stuckInQueue,
                runnerFailure != null ? runnerFailure : other.runnerFailure,
                cancelIgnored || other.cancelIgnored);
    }
}
