package dev.klingmcp.server.jobs;

/**
 * Normalized life-cycle of one generation job, as the ledger stores it and the MCP tools report it.
 *
 * <p>fal itself only knows IN_QUEUE / IN_PROGRESS / COMPLETED (a failed request is "COMPLETED" with an error); the raw value is
 * kept beside this one in {@link JobView#falStatus()}. Two states exist only on our side: {@link #SUBMITTING} is written to the
 * ledger BEFORE the submit POST, and {@link #UNKNOWN} marks a row a crash left in SUBMITTING: fal may or may not have the job, so it
 * is never resubmitted automatically (that could bill twice).
 */
public enum JobState {
    SUBMITTING,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    UNKNOWN;

    /** True when nothing about the job will change any more without a human decision. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == UNKNOWN;
    }

    /** Maps fal's queue status (plus whether the COMPLETED answer carried an error) to our state. */
    public static JobState fromFal(String falStatus, boolean completedWithError) {
        if (falStatus == null) {
            return UNKNOWN;
        }
        return switch (falStatus) {
            case "IN_QUEUE" -> QUEUED;
            case "IN_PROGRESS" -> RUNNING;
            case "COMPLETED" -> completedWithError ? FAILED : SUCCEEDED;
                // Not in fal's documents, but clients (and aimock's live tests) tolerate them after a cancel.
            case "CANCELLED", "CANCELLATION_REQUESTED" -> CANCELLED;
            default -> UNKNOWN;
        };
    }
}
