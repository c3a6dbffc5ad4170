package dev.klingmcp.mock.queue;

/** The answers fal's cancel endpoint gives: 202 CANCELLATION_REQUESTED, 400 ALREADY_COMPLETED, 404 NOT_FOUND. */
public enum CancelOutcome {
    /** 202: queued jobs are removed, running ones get a cancel signal. */
    CANCELLATION_REQUESTED,
    /** 400: nothing left to cancel. */
    ALREADY_COMPLETED,
    /** 404: no such request. */
    NOT_FOUND
}
