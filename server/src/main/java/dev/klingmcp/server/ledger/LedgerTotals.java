package dev.klingmcp.server.ledger;

/** Sums of {@link JobRecord#estimateUsd()} over a query: all rows, SUCCEEDED rows, and not-yet-finished rows. */
public record LedgerTotals(int count, double estimatedUsd, double succeededUsd, double pendingUsd) {}
