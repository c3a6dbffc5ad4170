package dev.klingmcp.server.ledger;

import dev.klingmcp.server.jobs.JobCursor;
import java.util.List;

/**
 * One page of the ledger, newest first.
 *
 * @param rows   at most the query's limit
 * @param totals over every row matching the query's filters (not only this page, and ignoring its cursor)
 * @param next   where the following page starts; null when no row matching the filters comes after this page
 */
public record LedgerPage(List<JobRecord> rows, LedgerTotals totals, JobCursor next) {
    public LedgerPage {
        rows = List.copyOf(rows);
    }
}
