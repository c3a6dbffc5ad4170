package dev.klingmcp.server.tools;

import dev.klingmcp.server.jobs.JobView;

/** The one sentence every job-related result ends with: what the agent should call next. */
public final class NextStep {

    private NextStep() {}

    public static String forJob(JobView j) {
        String id = j.jobId();
        return switch (j.state() == null ? dev.klingmcp.server.jobs.JobState.UNKNOWN : j.state()) {
            case SUBMITTING -> "fal has not confirmed the submit yet; call status with job_id=\"" + id
                    + "\" and wait_seconds=50 (it waits for fal's answer). Do not call generate again for the same"
                    + " video.";
            case QUEUED, RUNNING -> "Call status with job_id=\"" + id
                    + "\" and wait_seconds=50, repeating until SUCCEEDED"
                    + (j.eta() == null ? "" : " (about " + JobJson.humanDuration(j.eta()) + " left)")
                    + "; or subscribe to " + JobJson.resourceUri(id)
                    + ". Do not call generate again for the same video.";
            case SUCCEEDED -> "Call result with job_id=\"" + id + "\" (download: true saves the MP4 locally).";
            case FAILED -> failed(j);
            case CANCELLED -> "The job was cancelled; there is nothing to fetch. Call generate to start again.";
            case UNKNOWN -> "fal's answer to the submit was lost, so fal may or may not have this job (see error); the server"
                    + " looks for it in fal's request history every minute. Call status with job_id=\"" + id
                    + "\" later. Do not generate it again without the same idempotency_key: that returns this job, or"
                    + " submits anew only once fal certainly never got it.";
        };
    }

    /**
     * A model that refused the input (422, or fal's validation error types) needs a different input; a platform
     * failure (runner died, timeout, 5xx) does not: the same input may simply be sent again.
     */
    private static String failed(JobView j) {
        dev.klingmcp.server.jobs.JobError e = j.error();
        if (e != null && "not_accepted_by_fal".equals(e.errorType())) {
            return "fal never accepted this job (nothing was billed). Call generate again to submit it.";
        }
        boolean inputProblem = e != null
                && (e.httpStatus() == 422
                        || (e.errorType() != null
                                && !e.errorType().isBlank()
                                && e.httpStatus() != 0
                                && e.httpStatus() < 500
                                && e.httpStatus() != 408
                                && e.httpStatus() != 429));
        if (inputProblem) {
            return "The model refused the input (see error). Fix the field it names and call generate again.";
        }
        return "The job failed on fal's side (see error"
                + (e != null && e.errorType() != null ? ": " + e.errorType() : "")
                + "), not because of the input. fal does not bill failed runs; call generate again with the same input"
                + " to retry.";
    }
}
