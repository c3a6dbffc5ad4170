package dev.klingmcp.mock.queue;

/** The answers fal's cancel endpoint gives (fal-queue.md §3.5). */
public enum CancelOutcome {
    /** 202: queued jobs are removed, running ones get a cancel signal. */
    CANCELLATION_REQUESTED,
    /** 400: nothing left to cancel. */
    ALREADY_COMPLETED,
    /** 404: no such request. */
    NOT_FOUND
}
