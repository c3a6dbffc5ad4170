package dev.klingmcp.server.jobs;

import dev.klingmcp.openapi.FalEndpoint;
import java.time.Instant;
import java.util.Set;

/**
 * Filters for {@link JobService#list}; null / empty fields mean "any".
 *
 * @param states states to keep
 * @param model  the model
 * @param since  created at or after
 * @param limit  max rows (≤ 0 = default 50)
 */
public record JobFilter(Set<JobState> states, FalEndpoint model, Instant since, int limit) {
    public static final int DEFAULT_LIMIT = 50;

    public static JobFilter all() {
        return new JobFilter(Set.of(), null, null, DEFAULT_LIMIT);
    }

    public int effectiveLimit() {
        return limit <= 0 ? DEFAULT_LIMIT : limit;
    }
}
