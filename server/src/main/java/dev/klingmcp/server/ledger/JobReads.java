package dev.klingmcp.server.ledger;

import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.StateChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The ledger's row reads: jobs with their state histories, pages of them and their totals, on any connection. */
final class JobReads {

    /** Histories read per statement: bounded, so that a claim of thousands of rows stays under any parameter limit. */
    private static final int HISTORY_BATCH = 500;

    /** The history of one row: the common case (every status read), so its text is built once. */
    private static final String ONE_HISTORY =
            "SELECT local_id, state, at, note FROM job_states WHERE local_id IN (?) ORDER BY local_id, seq";

    private final Dialect dialect;

    /** The rows' SELECT up to its WHERE clause. */
    private final String select;

    /**
     * The statement text of each {@link #one} condition (the callers' constants, a handful): a status read asks the
     * same statement every time, and building its ~400 characters anew cost a copy and a hash per read before the
     * kept statement was found by it.
     */
    private final Map<String, String> oneStatements = new ConcurrentHashMap<>();

    JobReads(Dialect dialect) {
        this.dialect = dialect;
        this.select =
                "SELECT " + JdbcJobLedger.COLUMNS + ", " + dialect.insertionOrder + " AS insertion_order FROM jobs";
    }

    /** The first row {@code where} selects; {@code where} is a constant of the caller's (its text is kept). */
    Optional<JobRecord> one(Connection c, String where, Object... args) throws SQLException {
        String sql = oneStatements.computeIfAbsent(where, w -> select + " WHERE " + w + " LIMIT 1");
        List<JobRecord> rows = statementRows(c, sql, Arrays.asList(args)).records();
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    List<JobRecord> many(Connection c, String tail, List<Object> args) throws SQLException {
        return rows(c, tail, args).records();
    }

    /** Rows as read, and each one's insertion order (for cursors). */
    record Rows(List<JobRecord> records, List<Long> order) {}

    /**
     * The rows {@code tail} (a WHERE/ORDER/LIMIT clause over {@code jobs}) selects, each with its state history. Two
     * statements whatever the row count: the rows, then the histories of exactly those rows by primary key (asking
     * for them through the rows' own WHERE clause instead made PostgreSQL hash-join the whole history table).
     */
    Rows rows(Connection c, String tail, List<Object> args) throws SQLException {
        return statementRows(c, select + tail, args);
    }

    private static Rows statementRows(Connection c, String sql, List<Object> args) throws SQLException {
        List<JobRecord> rows = new ArrayList<>();
        List<Long> order = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            JobRows.bindArgs(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(JobRows.read(rs, List.of()));
                    order.add(rs.getLong(JobRows.COLUMN_COUNT + 1));
                }
            }
        }
        if (rows.isEmpty()) {
            return new Rows(rows, order);
        }
        Map<String, List<StateChange>> histories = histories(c, rows);
        List<JobRecord> out = new ArrayList<>(rows.size());
        for (JobRecord r : rows) {
            List<StateChange> h = histories.get(r.localId());
            out.add(h == null ? r : r.toBuilder().build(r.createdAt(), r.updatedAt(), r.finishedAt(), h));
        }
        return new Rows(out, order);
    }

    /** The state histories of {@code rows}, oldest change first, read by primary key in batches. */
    private static Map<String, List<StateChange>> histories(Connection c, List<JobRecord> rows) throws SQLException {
        Map<String, List<StateChange>> histories = new HashMap<>();
        for (int from = 0; from < rows.size(); from += HISTORY_BATCH) {
            int to = Math.min(rows.size(), from + HISTORY_BATCH);
            List<Object> ids = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                ids.add(rows.get(i).localId());
            }
            String sql = ids.size() == 1
                    ? ONE_HISTORY
                    : "SELECT local_id, state, at, note FROM job_states WHERE local_id IN ("
                            + String.join(",", Collections.nCopies(ids.size(), "?")) + ") ORDER BY local_id, seq";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                JobRows.bindArgs(ps, ids);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        histories
                                .computeIfAbsent(rs.getString(1), id -> new ArrayList<>())
                                .add(new StateChange(
                                        JobState.valueOf(rs.getString(2)),
                                        Instant.ofEpochMilli(rs.getLong(3)),
                                        rs.getString(4)));
                    }
                }
            }
        }
        return histories;
    }

    Rows page(Connection c, JobQuery query, int limit) throws SQLException {
        JobRows.Where where = JobRows.Where.page(query, dialect.insertionOrder);
        List<Object> args = new ArrayList<>(where.args());
        args.add(limit);
        return rows(c, where.sql() + " ORDER BY created_at DESC, " + dialect.insertionOrder + " DESC LIMIT ?", args);
    }

    static LedgerTotals totals(Connection c, JobQuery query) throws SQLException {
        JobRows.Where where = JobRows.Where.of(query);
        String sql = "SELECT COUNT(*), COALESCE(SUM(estimate_usd),0),"
                + " COALESCE(SUM(CASE WHEN state='SUCCEEDED' THEN estimate_usd END),0),"
                + " COALESCE(SUM(CASE WHEN state IN ('SUBMITTING','QUEUED','RUNNING','UNKNOWN') THEN estimate_usd END),0)"
                + " FROM jobs" + where.sql();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            JobRows.bindArgs(ps, where.args());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new LedgerTotals(rs.getInt(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4));
            }
        }
    }
}
