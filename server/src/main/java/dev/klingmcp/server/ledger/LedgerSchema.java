package dev.klingmcp.server.ledger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The ledger's tables and their migrations. Each migration runs once, in order, inside one transaction; the applied version
 * lives in {@code schema_version}. Append new migrations at the end; never edit a released one (old databases replay them).
 */
final class LedgerSchema {

    private static final List<List<String>> MIGRATIONS = List.of(
            // v1: jobs + their state history
            List.of(
                    """
                    CREATE TABLE jobs (
                      local_id          TEXT PRIMARY KEY,
                      request_id        TEXT UNIQUE,
                      model             TEXT NOT NULL,
                      input_json        TEXT NOT NULL,
                      options_json      TEXT,
                      estimate_json     TEXT,
                      estimate_usd      REAL NOT NULL DEFAULT 0,
                      idempotency_key   TEXT UNIQUE,
                      status_url        TEXT,
                      response_url      TEXT,
                      cancel_url        TEXT,
                      state             TEXT NOT NULL,
                      fal_status        TEXT,
                      queue_position    INTEGER,
                      logs_json         TEXT,
                      result_json       TEXT,
                      error_json        TEXT,
                      inference_seconds REAL,
                      local_path        TEXT,
                      sha256            TEXT,
                      created_at        INTEGER NOT NULL,
                      updated_at        INTEGER NOT NULL,
                      finished_at       INTEGER)""",
                    "CREATE INDEX jobs_by_created ON jobs(created_at DESC)",
                    "CREATE INDEX jobs_by_state ON jobs(state)",
                    """
                    CREATE TABLE job_states (
                      local_id TEXT NOT NULL REFERENCES jobs(local_id) ON DELETE CASCADE,
                      seq      INTEGER NOT NULL,
                      state    TEXT NOT NULL,
                      at       INTEGER NOT NULL,
                      note     TEXT,
                      PRIMARY KEY (local_id, seq))"""),
            // v2: the principal that created a job over authorized HTTP (null for local, unauthorized use)
            List.of(
                    "ALTER TABLE jobs ADD COLUMN owner TEXT",
                    "CREATE INDEX jobs_by_owner ON jobs(owner, created_at DESC)"));

    static final int CURRENT_VERSION = MIGRATIONS.size();

    private LedgerSchema() {}

    /** Brings the database to {@link #CURRENT_VERSION}; refuses a database written by a newer version of this server. */
    static void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            int version = currentVersion(s);
            if (version > CURRENT_VERSION) {
                throw new SQLException(
                        "job ledger schema version " + version + " is newer than this server understands ("
                                + CURRENT_VERSION + "); use a newer kling-mcp or another database");
            }
            for (int v = version; v < CURRENT_VERSION; v++) {
                for (String sql : MIGRATIONS.get(v)) {
                    s.execute(sql);
                }
            }
            if (version != CURRENT_VERSION) {
                s.execute("DELETE FROM schema_version");
                s.execute("INSERT INTO schema_version(version) VALUES (" + CURRENT_VERSION + ")");
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static int currentVersion(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
