package dev.klingmcp.mock.queue;

/** fal's three queue states. There is no FAILED: a failed request is COMPLETED with an error. */
public enum JobStatus {
    IN_QUEUE,
    IN_PROGRESS,
    COMPLETED
}
