package dev.klingmcp.server.ledger;

import dev.klingmcp.server.jobs.JobCursor;
import dev.klingmcp.server.jobs.JobState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * {@link JobLedger} in SQL, on SQLite (one process, the default) or PostgreSQL (several replicas sharing one database).
 * The statements are the same on both; {@link Dialect} holds what differs (row locks, insertion order). Every
 * read-modify-write runs in one transaction, with the row locked first where the database needs it.
 */
public final class JdbcJobLedger implements JobLedger {

    static final String COLUMNS = "local_id, request_id, model, input_json, options_json, estimate_json, estimate_usd,"
            + " idempotency_key, status_url, response_url, cancel_url, state, fal_status, queue_position, logs_json,"
            + " result_json, error_json, inference_seconds, local_path, sha256, created_at, updated_at, finished_at, owner";

    private final LedgerDatabase db;
    private final Dialect dialect;
    private final Clock clock;
    private final UnaryOperator<Connection> wrap;
    private final JobReads reads;

    /** Rows found by id, reused while the database reports no commit since (a job polled again and again). */
    private final UnchangedReads unchanged = new UnchangedReads();

    private JdbcJobLedger(LedgerDatabase db, Clock clock, UnaryOperator<Connection> wrap) {
        this.db = db;
        this.dialect = db.dialect();
        this.clock = clock;
        this.wrap = wrap;
        this.reads = new JobReads(dialect);
    }

    /**
     * Opens the ledger at a JDBC URL and migrates its schema: {@code jdbc:sqlite:/path/jobs.db} (the file and its parent
     * folders are created) or {@code jdbc:postgresql://host:5432/db?user=u&password=p}.
     */
    public static JdbcJobLedger open(String jdbcUrl, Clock clock) {
        return open(jdbcUrl, clock, DEFAULT_POOL_SIZE, UnaryOperator.identity());
    }

    /**
     * Most connections a PostgreSQL ledger's pool holds by default: enough for one replica's concurrent tool calls and
     * followers (each holds a connection for one short statement or transaction); N replicas open up to N times this,
     * and PostgreSQL's default limit is 100 connections.
     */
    public static final int DEFAULT_POOL_SIZE = 8;

    /** As {@link #open(String, Clock)}, a PostgreSQL ledger with a pool of at most {@code poolSize} connections. */
    public static JdbcJobLedger open(String jdbcUrl, Clock clock, int poolSize) {
        return open(jdbcUrl, clock, poolSize, UnaryOperator.identity());
    }

    /** As {@link #open(String, Clock)}, with every connection passed through {@code wrap} (tests count statements). */
    static JdbcJobLedger open(String jdbcUrl, Clock clock, UnaryOperator<Connection> wrap) {
        return open(jdbcUrl, clock, DEFAULT_POOL_SIZE, wrap);
    }

    private static JdbcJobLedger open(String jdbcUrl, Clock clock, int poolSize, UnaryOperator<Connection> wrap) {
        String shown = LedgerUrls.redact(jdbcUrl);
        LedgerDatabase db;
        try {
            if (jdbcUrl.startsWith(SqliteDatabase.PREFIX)) {
                SqliteDatabase sqlite = SqliteDatabase.open(jdbcUrl);
                db = sqlite;
                try {
                    LedgerMigrations.migrate(sqlite);
                } catch (SQLException | RuntimeException e) {
                    sqlite.close();
                    throw e;
                }
            } else if (jdbcUrl.startsWith(PostgresDatabase.PREFIX)) {
                PostgresDatabase pg = PostgresDatabase.open(jdbcUrl, poolSize);
                db = pg;
                try {
                    LedgerMigrations.migrate(pg);
                } catch (RuntimeException e) {
                    pg.close();
                    throw e;
                }
            } else {
                throw new LedgerException(
                        "not a usable ledger URL: " + shown
                                + " (expected jdbc:sqlite:<file> or jdbc:postgresql://<host>[:<port>]/<database>)",
                        null);
            }
        } catch (LedgerException e) {
            throw e;
        } catch (SQLException | RuntimeException e) {
            throw new LedgerException(
                    "cannot open the job ledger at " + shown + ": " + LedgerUrls.redact(String.valueOf(e.getMessage())),
                    e);
        }
        return new JdbcJobLedger(db, clock, wrap);
    }

    @Override
    public JobRecord insert(JobRecord.Builder row, String note) {
        return inTransaction(c -> {
            JobRecord draft = row.build(null, null, null, List.of());
            if (draft.idempotencyKey() != null) {
                Optional<JobRecord> existing = reads.one(c, "idempotency_key = ?", draft.idempotencyKey());
                if (existing.isPresent()) {
                    return existing.get();
                }
            }
            Instant now = clock.instant();
            JobRecord stored = row.build(now, now, draft.state().isTerminal() ? now : null, List.of());
            // A concurrent insert with the same key (another replica) wins the unique index; this one then returns it.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO jobs (" + COLUMNS
                    + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING")) {
                bindAll(ps, stored);
                if (ps.executeUpdate() == 0 && draft.idempotencyKey() != null) {
                    return reads.one(c, "idempotency_key = ?", draft.idempotencyKey())
                            .orElseThrow(() -> new SQLException("insert refused and no row holds its idempotency key"));
                }
            }
            appendState(c, stored.localId(), stored.state(), now, note);
            return reads.one(c, "local_id = ?", stored.localId()).orElseThrow();
        });
    }

    @Override
    public Optional<JobRecord> find(String id) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        return read(c -> {
            long version = db.readVersion(c);
            Optional<JobRecord> known = unchanged.get(id, version);
            if (known != null) {
                return known;
            }
            Optional<JobRecord> row = reads.one(c, "local_id = ? OR request_id = ?", id, id);
            unchanged.put(id, version, row);
            return row;
        });
    }

    @Override
    public Optional<JobRecord> findByIdempotencyKey(String key) {
        return read(c -> reads.one(c, "idempotency_key = ?", key));
    }

    @Override
    public Optional<JobRecord> update(String id, UnaryOperator<JobRecord.Builder> change, String note) {
        return inTransaction(c -> {
            lockRow(c, id);
            Optional<JobRecord> current = reads.one(c, "local_id = ? OR request_id = ?", id, id);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            JobRecord before = current.get();
            JobRecord.Builder builder = change.apply(before.toBuilder());
            Instant now = clock.instant();
            Instant finished = before.finishedAt() != null
                    ? before.finishedAt()
                    : builder.state().isTerminal() ? now : null;
            if (builder.build(before.createdAt(), before.updatedAt(), finished, before.history())
                    .equals(before)) {
                // Nothing to record (a status read that found the job where it was): no write, so readers and other
                // writers are not held up by it, and updated_at stays the time of the row's last change.
                return current;
            }
            JobRecord after = builder.build(before.createdAt(), now, finished, before.history());
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET request_id=?, options_json=?,"
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
                JobRows.setInteger(ps, i++, after.queuePosition());
                ps.setString(i++, after.logsJson());
                ps.setString(i++, after.resultJson());
                ps.setString(i++, after.errorJson());
                JobRows.setDouble(ps, i++, after.inferenceSeconds());
                ps.setString(i++, after.localPath());
                ps.setString(i++, after.sha256());
                ps.setLong(i++, now.toEpochMilli());
                JobRows.setInstant(ps, i++, after.finishedAt());
                ps.setString(i, after.localId());
                ps.executeUpdate();
            }
            if (after.state() != before.state()) {
                appendState(c, after.localId(), after.state(), now, note);
            }
            return reads.one(c, "local_id = ?", after.localId());
        });
    }

    @Override
    public List<JobRecord> list(JobQuery query) {
        return read(c -> reads.page(c, query, Math.max(1, query.limit())).records());
    }

    @Override
    public LedgerTotals totals(JobQuery query) {
        return read(c -> JobReads.totals(c, query));
    }

    @Override
    public LedgerPage page(JobQuery query) {
        int limit = Math.max(1, query.limit());
        return read(c -> {
            // One row more than asked tells whether a next page exists without a second query.
            JobReads.Rows rows = reads.page(c, query, limit + 1);
            List<JobRecord> shown =
                    rows.records().subList(0, Math.min(limit, rows.records().size()));
            JobCursor next = null;
            if (rows.records().size() > limit) {
                JobRecord last = shown.get(limit - 1);
                next = new JobCursor(
                        last.createdAt().toEpochMilli(), rows.order().get(limit - 1));
            }
            return new LedgerPage(shown, JobReads.totals(c, query), next);
        });
    }

    @Override
    public List<String> idsStartingWith(String prefix, int limit) {
        return read(c -> {
            String p = (prefix == null ? "" : prefix)
                            .replace("\\", "\\\\")
                            .replace("%", "\\%")
                            .replace("_", "\\_") + "%";
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(request_id, local_id) AS id FROM jobs"
                    + " WHERE COALESCE(request_id, local_id) LIKE ? ESCAPE '\\' ORDER BY created_at DESC, "
                    + dialect.insertionOrder + " DESC LIMIT ?")) {
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
        List<String> stale = locked(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT local_id FROM jobs WHERE state='SUBMITTING' AND created_at <= ?")) {
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

    @Override
    public List<JobRecord> claimUnfinished(String owner, Instant until, int max, boolean undownloaded) {
        long now = clock.instant().toEpochMilli();
        return inTransaction(c -> JobLeases.claim(c, dialect, reads, owner, now, until, max, undownloaded));
    }

    @Override
    public void release(String id, String owner) {
        locked(c -> JobLeases.release(c, id, owner));
    }

    @Override
    public boolean firstWebhookDelivery(String signature, Instant expiresAt) {
        long now = clock.millis();
        return inTransaction(c -> WebhookDeliveries.first(c, signature, expiresAt.toEpochMilli(), now));
    }

    /**
     * The secret stored under {@code name}, storing {@code candidate} first when there is none: every process sharing
     * this ledger gets the same value, whichever asked first.
     */
    public String sharedSecret(String name, String candidate) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO install_secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, name);
                ps.setString(2, candidate);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT value FROM install_secrets WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }

    @Override
    public void close() {
        db.close();
    }

    // ---- plumbing
    // -------------------------------------------------------------------------------------------------------

    private <T> T locked(LedgerDatabase.SqlWork<T> work) {
        try {
            return db.withConnection(c -> work.run(wrap.apply(c)));
        } catch (SQLException e) {
            throw new LedgerException("job ledger: " + e.getMessage(), e);
        }
    }

    /** A read: beside writes where the database allows it (SQLite in WAL mode: a second connection). */
    private <T> T read(LedgerDatabase.SqlWork<T> work) {
        try {
            return db.withReader(c -> work.run(wrap.apply(c)));
        } catch (SQLException e) {
            throw new LedgerException("job ledger: " + e.getMessage(), e);
        }
    }

    private <T> T inTransaction(LedgerDatabase.SqlWork<T> work) {
        return locked(c -> {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    /** Locks the row (by local or request id) until the transaction ends, where the database does not already. */
    private void lockRow(Connection c, String id) throws SQLException {
        if (dialect.lockRows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT local_id FROM jobs WHERE local_id = ? OR request_id = ?" + dialect.lockRows)) {
            ps.setString(1, id);
            ps.setString(2, id);
            ps.executeQuery().close();
        }
    }

    private static void appendState(Connection c, String localId, JobState state, Instant at, String note)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO job_states (local_id, seq, state, at, note)"
                + " VALUES (?, (SELECT COALESCE(MAX(seq),0)+1 FROM job_states WHERE local_id=?), ?, ?, ?)")) {
            ps.setString(1, localId);
            ps.setString(2, localId);
            ps.setString(3, state.name());
            ps.setLong(4, at.toEpochMilli());
            ps.setString(5, note);
            ps.executeUpdate();
        }
    }

    private static void bindAll(PreparedStatement ps, JobRecord r) throws SQLException {
        JobRows.bindArgs(ps, JobRows.values(r));
    }
}
