package dev.klingmcp.server.ledger;

import dev.klingmcp.server.jobs.JobState;
import java.time.Instant;
import java.util.Set;

/**
 * Ledger-level filter (the service resolves model short names to full ids first).
 *
 * @param states empty = any
 * @param model  full endpoint id, or null
 * @param since  created at or after, or null
 * @param limit  max rows returned (totals ignore it)
 * @param owner  only this principal's jobs, or null for every job
 */
public record JobQuery(Set<JobState> states, String model, Instant since, int limit, String owner) {
    public JobQuery {
        states = states == null ? Set.of() : Set.copyOf(states);
    }

    public JobQuery(Set<JobState> states, String model, Instant since, int limit) {
        this(states, model, since, limit, null);
    }
}
