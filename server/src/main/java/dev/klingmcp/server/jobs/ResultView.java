package dev.klingmcp.server.jobs;

/**
 * Outcome of {@link JobService#result}.
 *
 * @param job      the job after the call
 * @param outcome  what happened
 * @param video    the output video (READY only)
 * @param download the saved file when {@code download} was asked and the job is READY; else null
 * @param error    fal's error (FAILED only)
 */
public record ResultView(JobView job, Outcome outcome, VideoFile video, Download download, JobError error) {

    public enum Outcome {
        /** The video is there. */
        READY,
        /** Still QUEUED / RUNNING / SUBMITTING: call status or await first. */
        NOT_FINISHED,
        /** fal answered with an error (e.g. 422 detail). */
        FAILED,
        CANCELLED,
        /** The submit's fate is unknown (crash between ledger write and fal's answer); there is nothing to fetch. */
        UNKNOWN
    }

    /**
     * A video saved on this machine.
     *
     * @param path   absolute path
     * @param size   bytes
     * @param sha256 hex digest
     * @param reused the file was already there from an earlier download (digest checked)
     */
    public record Download(String path, long size, String sha256, boolean reused) {}
}
