package dev.klingmcp.server.ledger;

import dev.klingmcp.server.jobs.JobCursor;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.StateChange;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Mapping between {@link JobRecord} and the {@code jobs} table columns (in the order of JdbcJobLedger's column list). */
final class JobRows {

    private JobRows() {}

    static List<Object> values(JobRecord r) {
        return Arrays.asList(
                r.localId(),
                r.requestId(),
                r.model(),
                r.inputJson(),
                r.optionsJson(),
                r.estimateJson(),
                r.estimateUsd(),
                r.idempotencyKey(),
                r.statusUrl(),
                r.responseUrl(),
                r.cancelUrl(),
                r.state().name(),
                r.falStatus(),
                r.queuePosition(),
                r.logsJson(),
                r.resultJson(),
                r.errorJson(),
                r.inferenceSeconds(),
                r.localPath(),
                r.sha256(),
                millis(r.createdAt()),
                millis(r.updatedAt()),
                millis(r.finishedAt()),
                r.owner());
    }

    /** How many columns {@link #read} takes, from the first: the statement's own columns may follow. */
    static final int COLUMN_COUNT = 24;

    /**
     * The row at {@code rs}'s cursor, selected with {@code JdbcJobLedger.COLUMNS} first. Read by position: a lookup by
     * name walks the statement's column names for each of the 24 columns of every row read.
     */
    static JobRecord read(ResultSet rs, List<StateChange> history) throws SQLException {
        return new JobRecord(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getDouble(7),
                rs.getString(8),
                rs.getString(9),
                rs.getString(10),
                rs.getString(11),
                JobState.valueOf(rs.getString(12)),
                rs.getString(13),
                integer(rs, 14),
                rs.getString(15),
                rs.getString(16),
                rs.getString(17),
                real(rs, 18),
                rs.getString(19),
                rs.getString(20),
                instant(rs, 21),
                instant(rs, 22),
                instant(rs, 23),
                rs.getString(24),
                history);
    }

    private static Long millis(Instant i) {
        return i == null ? null : i.toEpochMilli();
    }

    private static Integer integer(ResultSet rs, int col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    private static Double real(ResultSet rs, int col) throws SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? null : v;
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    static void bindArgs(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object v = args.get(i);
            if (v == null) {
                ps.setNull(i + 1, Types.NULL);
            } else {
                ps.setObject(i + 1, v);
            }
        }
    }

    static void setInteger(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    static void setInstant(PreparedStatement ps, int i, Instant v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v.toEpochMilli());
        }
    }

    /** WHERE clause for a {@link JobQuery}. */
    record Where(String sql, List<Object> args) {

        /**
         * The filters and the cursor: rows strictly after it in the order {@code created_at DESC, <insertion> DESC}.
         * The redundant {@code created_at <= ?} lets the database start its index walk at the cursor.
         */
        static Where page(JobQuery q, String insertionOrder) {
            Where filters = of(q);
            JobCursor after = q.after();
            if (after == null) {
                return filters;
            }
            List<Object> args = new ArrayList<>(filters.args());
            args.add(after.createdAtMillis());
            args.add(after.createdAtMillis());
            args.add(after.insertionOrder());
            String cursor = "created_at <= ? AND (created_at < ? OR " + insertionOrder + " < ?)";
            return new Where(filters.sql().isEmpty() ? " WHERE " + cursor : filters.sql() + " AND " + cursor, args);
        }

        /** The filters alone (what totals count). */
        static Where of(JobQuery q) {
            List<String> parts = new ArrayList<>();
            List<Object> args = new ArrayList<>();
            if (!q.states().isEmpty()) {
                parts.add("state IN ("
                        + String.join(",", q.states().stream().map(s -> "?").toList()) + ")");
                q.states().stream().map(Enum::name).sorted().forEach(args::add);
            }
            if (q.model() != null) {
                parts.add("model = ?");
                args.add(q.model());
            }
            if (q.since() != null) {
                parts.add("created_at >= ?");
                args.add(q.since().toEpochMilli());
            }
            if (q.owner() != null) {
                parts.add("owner = ?");
                args.add(q.owner());
            }
            return new Where(parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts), args);
        }
    }
}
