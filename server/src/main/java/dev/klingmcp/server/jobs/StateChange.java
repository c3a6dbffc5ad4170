package dev.klingmcp.server.jobs;

import java.time.Instant;

/** One entry of a job's state history; {@code note} says why (e.g. "submit accepted", "crash recovery"). */
public record StateChange(JobState state, Instant at, String note) {}
