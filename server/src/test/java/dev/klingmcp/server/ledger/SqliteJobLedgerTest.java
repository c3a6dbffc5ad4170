package dev.klingmcp.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.jobs.JobState;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ledger contract on SQLite files, plus what only SQLite has: files written by earlier kling-mcp versions. */
class SqliteJobLedgerTest extends JobLedgerContract {

    @TempDir
    Path dir;

    private int files;

    @Override
    String newDatabaseUrl() {
        return "jdbc:sqlite:" + dir.resolve("nested/state/jobs-" + ++files + ".db");
    }

    /** The schema kling-mcp's hand-written migrations created, version by version, exactly as they ran it. */
    private static final List<List<String>> LEGACY = List.of(
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
            List.of(
                    "ALTER TABLE jobs ADD COLUMN owner TEXT",
                    "CREATE INDEX jobs_by_owner ON jobs(owner, created_at DESC)"));

    /** A file as an earlier kling-mcp left it at {@code version}, holding one finished job. */
    private String legacyFile(int version) throws Exception {
        String legacyUrl = "jdbc:sqlite:" + dir.resolve("legacy-v" + version + ".db");
        try (Connection c = DriverManager.getConnection(legacyUrl);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            for (int v = 0; v < version; v++) {
                for (String sql : LEGACY.get(v)) {
                    s.execute(sql);
                }
            }
            s.execute("INSERT INTO schema_version(version) VALUES (" + version + ")");
            s.execute("INSERT INTO jobs (local_id, request_id, model, input_json, estimate_usd, state, created_at,"
                    + " updated_at, finished_at) VALUES ('local-old', 'req-old', 'fal-ai/kling-video/o3/pro/text-to-video',"
                    + " '{\"prompt\":\"old\"}', 1.4, 'SUCCEEDED', 1763719200000, 1763719260000, 1763719260000)");
            s.execute("INSERT INTO job_states (local_id, seq, state, at, note) VALUES"
                    + " ('local-old', 1, 'SUBMITTING', 1763719200000, 'ledger write before submit'),"
                    + " ('local-old', 2, 'SUCCEEDED', 1763719260000, 'fal status COMPLETED')");
        }
        return legacyUrl;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aFileWrittenByTheHandWrittenMigrationsIsBaselinedAtItsVersionAndKeepsItsJobs(int version) throws Exception {
        String legacyUrl = legacyFile(version);

        try (JdbcJobLedger upgraded = JdbcJobLedger.open(legacyUrl, clock)) {
            JobRecord old = upgraded.find("req-old").orElseThrow();
            assertThat(old.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(old.estimateUsd()).isEqualTo(1.4);
            assertThat(old.history())
                    .extracting(c -> c.state())
                    .containsExactly(JobState.SUBMITTING, JobState.SUCCEEDED);
            assertThat(old.owner()).isNull();
            // the newer columns work: owners (v2) and leases (v3)
            upgraded.insert(JobRecord.submitting("local-new", "m/a/x", "{}").owner("alice"), "n");
            upgraded.update("local-new", b -> b.requestId("req-new").state(JobState.RUNNING), "accepted");
            assertThat(upgraded.claimUnfinished("me", Instant.parse("2030-01-01T00:00:00Z"), 10, false))
                    .extracting(JobRecord::localId)
                    .containsExactly("local-new");
        }
        try (Connection c = DriverManager.getConnection(legacyUrl);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT version, type FROM flyway_schema_history ORDER BY installed_rank")) {
            List<String> applied = new ArrayList<>();
            while (rs.next()) {
                applied.add(rs.getString(1) + " " + rs.getString(2));
            }
            List<String> expected = new ArrayList<>();
            expected.add(version + " BASELINE");
            for (int v : migrationVersions()) {
                if (v > version) {
                    expected.add(v + " SQL");
                }
            }
            assertThat(applied).containsExactlyElementsOf(expected);
        }
        // opened again: nothing to do, nothing lost
        try (JdbcJobLedger again = JdbcJobLedger.open(legacyUrl, clock)) {
            assertThat(again.find("req-old")).isPresent();
            assertThat(again.find("req-new").orElseThrow().owner()).isEqualTo("alice");
        }
    }

    @Test
    void anInMemoryLedgerMigratesOnItsOwnConnection() {
        try (JdbcJobLedger memory = JdbcJobLedger.open("jdbc:sqlite::memory:", clock)) {
            memory.insert(JobRecord.submitting("m-1", "m/a/x", "{}"), "n");
            assertThat(memory.find("m-1")).isPresent();
        }
    }

    /** The versions of the SQLite migrations the server ships, in order (V5__x.sql → 5). */
    private static List<Integer> migrationVersions() throws Exception {
        java.net.URL folder = SqliteJobLedgerTest.class.getResource("/db/migration/sqlite");
        try (var files = java.nio.file.Files.list(Path.of(folder.toURI()))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
                    .sorted()
                    .toList();
        }
    }
}
