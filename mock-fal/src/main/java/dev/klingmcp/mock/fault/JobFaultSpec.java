package dev.klingmcp.mock.fault;

import dev.klingmcp.mock.queue.JobFaults;

/**
 * Spelling of job-level faults in specs: {@code none}, {@code stuck}, {@code fail}, {@code fail:<error_type>},
 * {@code cancel_ignored}.
 */
public final class JobFaultSpec {

    /** The runner failure used when {@code fail} names no type: the one fal's Python client tests show. */
    public static final String DEFAULT_FAILURE = "runner_disconnected";

    private JobFaultSpec() {}

    public static JobFaults parse(String token) {
        String t = token.trim();
        if (t.equals("none")) {
            // A job that runs normally: lets a script skip jobs ("none", "stuck" = the second job sticks). It is also
            // what format() writes for such a job, so a plan read back from GET /_mock/faults can be sent again.
            return new JobFaults(false, null, false);
        }
        if (t.equals("stuck")) {
            return new JobFaults(true, null, false);
        }
        if (t.equals("cancel_ignored")) {
            return new JobFaults(false, null, true);
        }
        if (t.equals("fail")) {
            return new JobFaults(false, DEFAULT_FAILURE, false);
        }
        if (t.startsWith("fail:") && t.length() > 5 && t.substring(5).matches("[a-z_]+")) {
            return new JobFaults(false, t.substring(5), false);
        }
        throw new IllegalArgumentException("unknown job fault '" + token
                + "'; allowed: none, stuck, fail, fail:<error_type> (e.g. fail:runner_disconnected), cancel_ignored");
    }

    public static String format(JobFaults faults) {
        StringBuilder sb = new StringBuilder();
        if (faults.stuckInQueue()) {
            sb.append("stuck");
        }
        if (faults.runnerFailure() != null) {
            sb.append(sb.isEmpty() ? "" : "+").append("fail:").append(faults.runnerFailure());
        }
        if (faults.cancelIgnored()) {
            sb.append(sb.isEmpty() ? "" : "+").append("cancel_ignored");
        }
        return sb.isEmpty() ? "none" : sb.toString();
    }
}
