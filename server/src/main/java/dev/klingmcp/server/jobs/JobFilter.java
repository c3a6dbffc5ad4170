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
 * @param owner  only this principal's jobs (null = every job; set by the tenant scope, never by a client)
 * @param cursor the {@link JobList#nextCursor()} of the previous page, or null for the newest jobs
 */
public record JobFilter(
        Set<JobState> states, FalEndpoint model, Instant since, int limit, String owner, String cursor) {
    public static final int DEFAULT_LIMIT = 50;

    public JobFilter(Set<JobState> states, FalEndpoint model, Instant since, int limit, String owner) {
        this(states, model, since, limit, owner, null);
    }

    public JobFilter(Set<JobState> states, FalEndpoint model, Instant since, int limit) {
        this(states, model, since, limit, null, null);
    }

    public JobFilter withOwner(String subject) {
        return new JobFilter(states, model, since, limit, subject, cursor);
    }

    public JobFilter withCursor(String next) {
        return new JobFilter(states, model, since, limit, owner, next);
    }

    public static JobFilter all() {
        return new JobFilter(Set.of(), null, null, DEFAULT_LIMIT);
    }

    public int effectiveLimit() {
        return limit <= 0 ? DEFAULT_LIMIT : limit;
    }
}
