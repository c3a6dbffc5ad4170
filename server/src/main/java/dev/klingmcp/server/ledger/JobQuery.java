package dev.klingmcp.server.ledger;

import dev.klingmcp.server.jobs.JobCursor;
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
 * @param after  only rows after this position in newest-first order (the next page), or null from the newest; totals
 *               ignore it
 */
public record JobQuery(Set<JobState> states, String model, Instant since, int limit, String owner, JobCursor after) {
    public JobQuery {
        states = states == null ? Set.of() : Set.copyOf(states);
    }

    public JobQuery(Set<JobState> states, String model, Instant since, int limit, String owner) {
        this(states, model, since, limit, owner, null);
    }

    public JobQuery(Set<JobState> states, String model, Instant since, int limit) {
        this(states, model, since, limit, null, null);
    }

    /** The same filters, from {@code cursor} on. */
    public JobQuery startingAfter(JobCursor cursor) {
        return new JobQuery(states, model, since, limit, owner, cursor);
    }
}
