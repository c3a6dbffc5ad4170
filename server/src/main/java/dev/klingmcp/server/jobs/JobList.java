package dev.klingmcp.server.jobs;

import java.util.List;

/**
 * One page of jobs from the ledger, with cost totals.
 *
 * @param jobs       newest first, at most the filter's limit
 * @param totals     over every job matching the filter (not only the returned page)
 * @param nextCursor pass it as the filter's cursor for the following page; null when this page is the last
 */
public record JobList(List<JobView> jobs, CostTotals totals, String nextCursor) {

    public JobList(List<JobView> jobs, CostTotals totals) {
        this(jobs, totals, null);
    }

    /**
     * Estimated spend. fal bills successful generations, so {@code succeededUsd} is the best guess of what was paid;
     * {@code pendingUsd} is what queued/running/submitting/unknown jobs will cost if they succeed.
     */
    public record CostTotals(int count, double estimatedUsd, double succeededUsd, double pendingUsd) {}
}
