package dev.klingmcp.server.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The follow leases on unfinished jobs, kept in the {@code jobs} rows: which process follows which job until when, so
 * that replicas sharing a ledger split the following between them and take over a job whose lease ran out.
 */
final class JobLeases {

    private JobLeases() {}

    /**
     * Leases up to {@code max} unfinished jobs (and, when {@code undownloaded}, finished ones not yet downloaded) that
     * nobody else holds to {@code owner} until {@code until}; returns them. Runs inside the caller's transaction.
     */
    static List<JobRecord> claim(
            Connection c,
            Dialect dialect,
            JobReads reads,
            String owner,
            long now,
            Instant until,
            int max,
            boolean undownloaded)
            throws SQLException {
        List<String> ids = new ArrayList<>();
        // SKIP LOCKED (PostgreSQL): rows another replica is claiming or updating right now are left to it.
        try (PreparedStatement ps = c.prepareStatement("SELECT local_id FROM jobs WHERE request_id IS NOT NULL"
                + " AND (state IN ('QUEUED','RUNNING')"
                + (undownloaded ? " OR (state = 'SUCCEEDED' AND local_path IS NULL)" : "")
                + ") AND (lease_owner IS NULL OR lease_until < ? OR lease_owner = ?)"
                + " ORDER BY created_at, " + dialect.insertionOrder + " LIMIT ?" + dialect.lockRowsSkipLocked)) {
            ps.setLong(1, now);
            ps.setString(2, owner);
            ps.setInt(3, Math.max(1, max));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        String in = String.join(",", ids.stream().map(x -> "?").toList());
        List<Object> args = new ArrayList<>();
        args.add(owner);
        args.add(until.toEpochMilli());
        args.addAll(ids);
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE jobs SET lease_owner = ?, lease_until = ? WHERE local_id IN (" + in + ")")) {
            JobRows.bindArgs(ps, args);
            ps.executeUpdate();
        }
        return reads.many(
                c,
                " WHERE local_id IN (" + in + ") ORDER BY created_at, " + dialect.insertionOrder,
                new ArrayList<>(ids));
    }

    /** Gives up {@code owner}'s lease on job {@code id} (by either id). */
    static int release(Connection c, String id, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET lease_owner = NULL, lease_until = NULL"
                + " WHERE (local_id = ? OR request_id = ?) AND lease_owner = ?")) {
            ps.setString(1, id);
            ps.setString(2, id);
            ps.setString(3, owner);
            return ps.executeUpdate();
        }
    }
}
