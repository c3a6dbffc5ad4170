package dev.klingmcp.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.klingmcp.server.jobs.JobState;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteJobLedgerTest {

    @TempDir
    Path dir;

    MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    String url;
    SqliteJobLedger ledger;

    @BeforeEach
    void open() {
        url = "jdbc:sqlite:" + dir.resolve("nested/state/jobs.db");
        ledger = SqliteJobLedger.open(url, clock);
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    private JobRecord insert(String localId, String model, double usd) {
        return ledger.insert(
                JobRecord.submitting(localId, model, "{\"prompt\":\"p\"}").estimate("{}", usd),
                "ledger write before submit");
    }

    @Test
    void findsARowByLocalIdAndByFalRequestIdAndKeepsItsHistory() {
        insert("local-1", "fal-ai/kling-video/o3/pro/reference-to-video", 1.12);
        clock.advance(Duration.ofSeconds(2));
        ledger.update(
                "local-1",
                b -> b.requestId("req-1")
                        .state(JobState.QUEUED)
                        .falStatus("IN_QUEUE")
                        .queuePosition(3)
                        .urls("s", "r", "c"),
                "submit accepted");
        clock.advance(Duration.ofSeconds(5));
        ledger.update(
                "req-1", b -> b.state(JobState.RUNNING).falStatus("IN_PROGRESS").queuePosition(null), "fal status");
        ledger.update("req-1", b -> b.logs("[{\"message\":\"x\"}]"), "logs only: no state change");

        JobRecord byLocal = ledger.find("local-1").orElseThrow();
        JobRecord byRequest = ledger.find("req-1").orElseThrow();
        assertThat(byRequest).isEqualTo(byLocal);
        assertThat(byLocal.publicId()).isEqualTo("req-1");
        assertThat(byLocal.queuePosition()).isNull();
        assertThat(byLocal.statusUrl()).isEqualTo("s");
        assertThat(byLocal.history())
                .extracting(c -> c.state())
                .containsExactly(JobState.SUBMITTING, JobState.QUEUED, JobState.RUNNING);
        assertThat(byLocal.history().get(1).at()).isEqualTo(Instant.parse("2026-11-21T10:00:02Z"));
        assertThat(byLocal.history().get(1).note()).isEqualTo("submit accepted");
        assertThat(byLocal.finishedAt()).isNull();
        assertThat(ledger.find("nope")).isEmpty();
        assertThat(ledger.update("nope", b -> b, "x")).isEmpty();
    }

    @Test
    void terminalStateRecordsWhenTheJobFinishedOnlyOnce() {
        insert("a", "m/a/x", 0);
        clock.advance(Duration.ofSeconds(10));
        ledger.update("a", b -> b.state(JobState.SUCCEEDED), "done");
        clock.advance(Duration.ofSeconds(10));
        JobRecord r = ledger.update("a", b -> b.download("/tmp/v.mp4", "abc"), "downloaded")
                .orElseThrow();
        assertThat(r.finishedAt()).isEqualTo(Instant.parse("2026-11-21T10:00:10Z"));
        assertThat(r.updatedAt()).isEqualTo(Instant.parse("2026-11-21T10:00:20Z"));
        assertThat(r.localPath()).isEqualTo("/tmp/v.mp4");
    }

    @Test
    void aSecondInsertWithTheSameIdempotencyKeyReturnsTheFirstRow() {
        JobRecord first = ledger.insert(JobRecord.submitting("a", "m/a/x", "{}").idempotencyKey("k1"), "n");
        JobRecord second =
                ledger.insert(JobRecord.submitting("b", "m/a/x", "{}").idempotencyKey("k1"), "n");
        assertThat(second.localId()).isEqualTo(first.localId()).isEqualTo("a");
        assertThat(ledger.find("b")).isEmpty();
        assertThat(ledger.findByIdempotencyKey("k1")).map(JobRecord::localId).contains("a");
    }

    @Test
    void rowsSurviveARestart() {
        insert("a", "m/a/x", 1);
        ledger.update("a", b -> b.requestId("req-a").state(JobState.SUCCEEDED).result("{\"video\":{}}"), "done");
        ledger.close();

        ledger = SqliteJobLedger.open(url, clock);
        JobRecord r = ledger.find("req-a").orElseThrow();
        assertThat(r.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(r.resultJson()).isEqualTo("{\"video\":{}}");
        assertThat(r.history()).hasSize(2);
    }

    @Test
    void recoveryMarksOnlyStaleSubmittingRowsUnknown() {
        insert("old", "m/a/x", 1);
        insert("done", "m/a/x", 1);
        ledger.update("done", b -> b.requestId("r").state(JobState.QUEUED), "accepted");
        clock.advance(Duration.ofMinutes(5));
        insert("fresh", "m/a/x", 1);

        assertThat(ledger.recoverInterruptedSubmits(Duration.ofMinutes(2))).isEqualTo(1);

        assertThat(ledger.find("old").orElseThrow().state()).isEqualTo(JobState.UNKNOWN);
        assertThat(ledger.find("old").orElseThrow().history()).last().satisfies(c -> assertThat(c.note())
                .contains("not resubmitted automatically"));
        assertThat(ledger.find("fresh").orElseThrow().state()).isEqualTo(JobState.SUBMITTING);
        assertThat(ledger.find("done").orElseThrow().state()).isEqualTo(JobState.QUEUED);
        assertThat(ledger.recoverInterruptedSubmits(Duration.ofMinutes(2))).isZero();
    }

    @Test
    void listsNewestFirstWithFiltersAndTotalsOverTheWholeFilteredSet() {
        insert("a", "fal-ai/kling-video/o3/pro/reference-to-video", 1.0);
        clock.advance(Duration.ofSeconds(1));
        insert("b", "fal-ai/kling-video/o3/standard/image-to-video", 0.5);
        clock.advance(Duration.ofSeconds(1));
        insert("c", "fal-ai/kling-video/o3/pro/reference-to-video", 2.0);
        ledger.update("a", b -> b.state(JobState.SUCCEEDED), "done");
        ledger.update("c", b -> b.state(JobState.RUNNING), "running");

        assertThat(ledger.list(new JobQuery(Set.of(), null, null, 10)))
                .extracting(JobRecord::localId)
                .containsExactly("c", "b", "a");
        JobQuery pro = new JobQuery(Set.of(), "fal-ai/kling-video/o3/pro/reference-to-video", null, 1);
        assertThat(ledger.list(pro)).extracting(JobRecord::localId).containsExactly("c");
        assertThat(ledger.totals(pro)).isEqualTo(new LedgerTotals(2, 3.0, 1.0, 2.0));
        assertThat(ledger.list(new JobQuery(Set.of(JobState.SUCCEEDED, JobState.SUBMITTING), null, null, 10)))
                .extracting(JobRecord::localId)
                .containsExactly("b", "a");
        assertThat(ledger.list(new JobQuery(Set.of(), null, Instant.parse("2026-11-21T10:00:01Z"), 10)))
                .extracting(JobRecord::localId)
                .containsExactly("c", "b");
    }

    @Test
    void completesIdsByPrefixPreferringFalIdsAndTreatingLikeWildcardsLiterally() {
        insert("local-1", "m/a/x", 0);
        insert("local-2", "m/a/x", 0);
        insert("x_%y", "m/a/x", 0);
        ledger.update("local-2", b -> b.requestId("019f-req"), "accepted");
        assertThat(ledger.idsStartingWith("", 10)).containsExactlyInAnyOrder("local-1", "019f-req", "x_%y");
        assertThat(ledger.idsStartingWith("loc", 10)).containsExactly("local-1");
        assertThat(ledger.idsStartingWith("x_", 10)).containsExactly("x_%y");
        assertThat(ledger.idsStartingWith("x%", 10)).isEmpty();
    }

    @Test
    void refusesADatabaseFromANewerSchema() throws Exception {
        ledger.close();
        try (var c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.execute("UPDATE schema_version SET version = 99");
        }
        assertThatThrownBy(() -> SqliteJobLedger.open(url, clock))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("newer");
        ledger = SqliteJobLedger.open("jdbc:sqlite::memory:", clock);
    }

    @Test
    void refusesANonSqliteUrl() {
        assertThatThrownBy(() -> SqliteJobLedger.open("jdbc:postgresql://x/y", clock))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("jdbc:sqlite:");
    }
}
