package dev.klingmcp.server.jobs;

import java.util.List;

/**
 * One event of {@link JobService#await}: the job after the event, and the log lines this event added.
 *
 * @param job      the view after applying the event (state, queue position, ETA...)
 * @param newLogs  lines not reported by an earlier event of the same await
 * @param sequence 1, 2, 3... per await call (monotonic; handy for MCP progress)
 */
public record StatusUpdate(JobView job, List<LogLine> newLogs, int sequence) {}
