package dev.klingmcp.server.tools;

import dev.klingmcp.server.jobs.JobView;

/** The one sentence every job-related result ends with: what the agent should call next. */
public final class NextStep {

    private NextStep() {}

    public static String forJob(JobView j) {
        String id = j.jobId();
        return switch (j.state() == null ? dev.klingmcp.server.jobs.JobState.UNKNOWN : j.state()) {
            case SUBMITTING -> "fal has not confirmed the submit yet; call status with job_id=\"" + id
                    + "\" in a few seconds.";
            case QUEUED, RUNNING -> "Call status with job_id=\"" + id
                    + "\" and wait_seconds=50, repeating until SUCCEEDED"
                    + (j.eta() == null ? "" : " (about " + JobJson.humanDuration(j.eta()) + " left)")
                    + "; or subscribe to " + JobJson.resourceUri(id)
                    + ". Do not call generate again for the same video.";
            case SUCCEEDED -> "Call result with job_id=\"" + id + "\" (download: true saves the MP4 locally).";
            case FAILED -> "The job failed (see error). Fix the input it names and call generate again.";
            case CANCELLED -> "The job was cancelled; there is nothing to fetch. Call generate to start again.";
            case UNKNOWN -> "The server stopped between recording this job and fal's answer, so fal may or may not be running it."
                    + " Check the fal dashboard before generating again, to avoid paying twice.";
        };
    }
}
