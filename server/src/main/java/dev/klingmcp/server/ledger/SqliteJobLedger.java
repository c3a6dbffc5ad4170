package dev.klingmcp.server.ledger;

import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.StateChange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.sqlite.SQLiteConfig;

/**
 * {@link JobLedger} on an embedded SQLite file (WAL mode, so readers never block the writer and a killed process loses
 * nothing that was committed). One connection, guarded by a lock: the ledger sees a handful of writes per job, so a
 * connection pool would buy nothing. Write transactions are IMMEDIATE so that two server processes sharing one file
 * serialize their read-modify-writes instead of failing on upgrade.
 */
public final class SqliteJobLedger implements JobLedger {

    private static final String COLUMNS =
            "local_id, request_id, model, input_json, options_json, estimate_json, estimate_usd,"
                    + " idempotency_key, status_url, response_url, cancel_url, state, fal_status, queue_position, logs_json,"
                    + " result_json, error_json, inference_seconds, local_path, sha256, created_at, updated_at, finished_at, owner";

    private final Connection connection;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();

    private SqliteJobLedger(Connection connection, Clock clock) {
        this.connection = connection;
        this.clock = clock;
    }

    /**
     * Opens (creating if needed) the ledger at a JDBC URL such as {@code jdbc:sqlite:/home/me/.local/state/kling-mcp/jobs.db}.
     * Parent folders of a file URL are created.
     */
    public static SqliteJobLedger open(String jdbcUrl, Clock clock) {
        return open(jdbcUrl, clock, UnaryOperator.identity());
    }

    /** As {@link #open(String, Clock)}, with the connection passed through {@code wrap} (tests count statements). */
    static SqliteJobLedger open(String jdbcUrl, Clock clock, UnaryOperator<Connection> wrap) {
        createParentFolder(jdbcUrl);
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(10_000);
        config.enforceForeignKeys(true);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        try {
            Connection c = config.createConnection(jdbcUrl);
            LedgerSchema.migrate(c);
            return new SqliteJobLedger(wrap.apply(c), clock);
        } catch (SQLException e) {
            throw new LedgerException("cannot open the job ledger at " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    private static void createParentFolder(String jdbcUrl) {
        String prefix = "jdbc:sqlite:";
        if (!jdbcUrl.startsWith(prefix)) {
            throw new LedgerException("not a SQLite JDBC URL: " + jdbcUrl + " (expected jdbc:sqlite:<file>)", null);
        }
        String file = jdbcUrl.substring(prefix.length());
        int query = file.indexOf('?');
        file = query >= 0 ? file.substring(0, query) : file;
        if (file.isEmpty() || file.equals(":memory:") || file.startsWith("file:")) {
            return;
        }
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the job ledger folder " + parent, e);
        }
    }

    @Override
    public JobRecord insert(JobRecord.Builder row, String note) {
        return inTransaction(() -> {
            JobRecord draft = row.build(null, null, null, List.of());
            if (draft.idempotencyKey() != null) {
                Optional<JobRecord> existing = selectOne("idempotency_key = ?", draft.idempotencyKey());
                if (existing.isPresent()) {
                    return existing.get();
                }
            }
            Instant now = clock.instant();
            JobRecord stored = row.build(now, now, draft.state().isTerminal() ? now : null, List.of());
            try (PreparedStatement ps = connection.prepareStatement(
                    "INSERT INTO jobs (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                bindAll(ps, stored);
                ps.executeUpdate();
            }
            appendState(stored.localId(), stored.state(), now, note);
            return selectOne("local_id = ?", stored.localId()).orElseThrow();
        });
    }

    @Override
    public Optional<JobRecord> find(String id) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        return locked(() -> selectOne("local_id = ? OR request_id = ?", id, id));
    }

    @Override
    public Optional<JobRecord> findByIdempotencyKey(String key) {
        return locked(() -> selectOne("idempotency_key = ?", key));
    }

    @Override
    public Optional<JobRecord> update(String id, UnaryOperator<JobRecord.Builder> change, String note) {
        return inTransaction(() -> {
            Optional<JobRecord> current = selectOne("local_id = ? OR request_id = ?", id, id);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            JobRecord before = current.get();
            JobRecord.Builder builder = change.apply(before.toBuilder());
            Instant now = clock.instant();
            Instant finished = before.finishedAt() != null
                    ? before.finishedAt()
                    : builder.state().isTerminal() ? now : null;
            JobRecord after = builder.build(before.createdAt(), now, finished, before.history());
            try (PreparedStatement ps = connection.prepareStatement("UPDATE jobs SET request_id=?, options_json=?,"
                    + " estimate_json=?, estimate_usd=?, idempotency_key=?, status_url=?, response_url=?, cancel_url=?,"
                    + " state=?, fal_status=?, queue_position=?, logs_json=?, result_json=?, error_json=?,"
                    + " inference_seconds=?, local_path=?, sha256=?, updated_at=?, finished_at=? WHERE local_id=?")) {
                int i = 1;
                ps.setString(i++, after.requestId());
                ps.setString(i++, after.optionsJson());
                ps.setString(i++, after.estimateJson());
                ps.setDouble(i++, after.estimateUsd());
                ps.setString(i++, after.idempotencyKey());
                ps.setString(i++, after.statusUrl());
                ps.setString(i++, after.responseUrl());
                ps.setString(i++, after.cancelUrl());
                ps.setString(i++, after.state().name());
                ps.setString(i++, after.falStatus());
                setInteger(ps, i++, after.queuePosition());
                ps.setString(i++, after.logsJson());
                ps.setString(i++, after.resultJson());
                ps.setString(i++, after.errorJson());
                setDouble(ps, i++, after.inferenceSeconds());
                ps.setString(i++, after.localPath());
                ps.setString(i++, after.sha256());
                ps.setLong(i++, now.toEpochMilli());
                setInstant(ps, i++, after.finishedAt());
                ps.setString(i, after.localId());
                ps.executeUpdate();
            }
            if (after.state() != before.state()) {
                appendState(after.localId(), after.state(), now, note);
            }
            return selectOne("local_id = ?", after.localId());
        });
    }

    @Override
    public List<JobRecord> list(JobQuery query) {
        return locked(() -> {
            Where where = Where.of(query);
            List<Object> args = new ArrayList<>(where.args);
            args.add(Math.max(1, query.limit()));
            return selectMany(where.sql + " ORDER BY created_at DESC, rowid DESC LIMIT ?", args);
        });
    }

    @Override
    public LedgerTotals totals(JobQuery query) {
        return locked(() -> {
            Where where = Where.of(query);
            String sql = "SELECT COUNT(*), COALESCE(SUM(estimate_usd),0),"
                    + " COALESCE(SUM(CASE WHEN state='SUCCEEDED' THEN estimate_usd END),0),"
                    + " COALESCE(SUM(CASE WHEN state IN ('SUBMITTING','QUEUED','RUNNING','UNKNOWN') THEN estimate_usd END),0)"
                    + " FROM jobs" + where.sql;
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                bindArgs(ps, where.args);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new LedgerTotals(rs.getInt(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4));
                }
            }
        });
    }

    @Override
    public List<String> idsStartingWith(String prefix, int limit) {
        return locked(() -> {
            String p = (prefix == null ? "" : prefix)
                            .replace("\\", "\\\\")
                            .replace("%", "\\%")
                            .replace("_", "\\_") + "%";
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT COALESCE(request_id, local_id) AS id FROM jobs"
                            + " WHERE COALESCE(request_id, local_id) LIKE ? ESCAPE '\\' ORDER BY created_at DESC, rowid DESC LIMIT ?")) {
                ps.setString(1, p);
                ps.setInt(2, Math.max(1, limit));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
    }

    @Override
    public int recoverInterruptedSubmits(Duration olderThan) {
        long cutoff = clock.instant().minus(olderThan).toEpochMilli();
        List<String> stale = locked(() -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT local_id FROM jobs WHERE state='SUBMITTING' AND created_at <= ?")) {
                ps.setLong(1, cutoff);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
        int changed = 0;
        for (String id : stale) {
            // Re-checked inside the transaction: another process may have finished the submit meanwhile.
            Optional<JobRecord> r =
                    update(id, b -> b.state() == JobState.SUBMITTING ? b.state(JobState.UNKNOWN) : b, INTERRUPTED_NOTE);
            if (r.isPresent() && r.get().state() == JobState.UNKNOWN) {
                changed++;
            }
        }
        return changed;
    }

    /** History note of rows turned UNKNOWN by crash recovery; the service shows it as the job's error. */
    public static final String INTERRUPTED_NOTE =
            "the server stopped between the ledger write and fal's answer to the submit;"
                    + " fal may or may not have this job, so it is not resubmitted automatically";

    @Override
    public void close() {
        locked(() -> {
            connection.close();
            return null;
        });
    }

    // ---- plumbing
    // -------------------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    private <T> T locked(SqlWork<T> work) {
        lock.lock();
        try {
            return work.run();
        } catch (SQLException e) {
            throw new LedgerException("job ledger: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private <T> T inTransaction(SqlWork<T> work) {
        return locked(() -> {
            connection.setAutoCommit(false);
            try {
                T result = work.run();
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        });
    }

    private void appendState(String localId, JobState state, Instant at, String note) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement("INSERT INTO job_states (local_id, seq, state, at, note)"
                        + " VALUES (?, (SELECT COALESCE(MAX(seq),0)+1 FROM job_states WHERE local_id=?), ?, ?, ?)")) {
            ps.setString(1, localId);
            ps.setString(2, localId);
            ps.setString(3, state.name());
            ps.setLong(4, at.toEpochMilli());
            ps.setString(5, note);
            ps.executeUpdate();
        }
    }

    private Optional<JobRecord> selectOne(String where, Object... args) throws SQLException {
        return selectMany(" WHERE " + where + " LIMIT 1", List.of(args)).stream()
                .findFirst();
    }

    /**
     * The rows {@code tail} (a WHERE/ORDER/LIMIT clause over {@code jobs}) selects, each with its state history. Two
     * statements whatever the row count: the histories of all selected rows are read at once, not one query per row.
     */
    private List<JobRecord> selectMany(String tail, List<Object> args) throws SQLException {
        Map<String, List<StateChange>> histories = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT local_id, state, at, note FROM job_states"
                + " WHERE local_id IN (SELECT local_id FROM jobs" + tail + ") ORDER BY local_id, seq")) {
            bindArgs(ps, args);
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
        List<JobRecord> rows = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM jobs" + tail)) {
            bindArgs(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(JobRows.read(rs, histories.getOrDefault(rs.getString("local_id"), List.of())));
                }
            }
        }
        return rows;
    }

    private static void bindAll(PreparedStatement ps, JobRecord r) throws SQLException {
        bindArgs(ps, JobRows.values(r));
    }

    private static void bindArgs(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object v = args.get(i);
            if (v == null) {
                ps.setNull(i + 1, Types.NULL);
            } else {
                ps.setObject(i + 1, v);
            }
        }
    }

    private static void setInteger(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.REAL);
        } else {
            ps.setDouble(i, v);
        }
    }

    private static void setInstant(PreparedStatement ps, int i, Instant v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setLong(i, v.toEpochMilli());
        }
    }

    /** WHERE clause for a {@link JobQuery}. */
    private record Where(String sql, List<Object> args) {
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
