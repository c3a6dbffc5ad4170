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

    static JobRecord read(ResultSet rs, List<StateChange> history) throws SQLException {
        return new JobRecord(
                rs.getString("local_id"),
                rs.getString("request_id"),
                rs.getString("model"),
                rs.getString("input_json"),
                rs.getString("options_json"),
                rs.getString("estimate_json"),
                rs.getDouble("estimate_usd"),
                rs.getString("idempotency_key"),
                rs.getString("status_url"),
                rs.getString("response_url"),
                rs.getString("cancel_url"),
                JobState.valueOf(rs.getString("state")),
                rs.getString("fal_status"),
                integer(rs, "queue_position"),
                rs.getString("logs_json"),
                rs.getString("result_json"),
                rs.getString("error_json"),
                real(rs, "inference_seconds"),
                rs.getString("local_path"),
                rs.getString("sha256"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                instant(rs, "finished_at"),
                rs.getString("owner"),
                history);
    }

    private static Long millis(Instant i) {
        return i == null ? null : i.toEpochMilli();
    }

    private static Integer integer(ResultSet rs, String col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    private static Double real(ResultSet rs, String col) throws SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? null : v;
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
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
