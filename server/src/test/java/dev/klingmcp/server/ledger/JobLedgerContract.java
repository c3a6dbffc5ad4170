package dev.klingmcp.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.klingmcp.server.jobs.JobState;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobLedger} database must do, whichever it is: each subclass names a fresh, empty database and the
 * same tests run against it. Two ledgers opened on one database stand for two server processes (or replicas). The rows
 * themselves are tested here; listing and paging in {@link LedgerListingContract}, the follower's leases in
 * {@link LedgerLeaseContract}.
 */
abstract class JobLedgerContract implements LedgerListingContract, LedgerLeaseContract {

    MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    String url;
    JdbcJobLedger ledger;

    /** The JDBC URL of a new, empty database (opened with {@link JdbcJobLedger#open}). */
    abstract String newDatabaseUrl();

    @BeforeEach
    void open() {
        url = newDatabaseUrl();
        ledger = JdbcJobLedger.open(url, clock);
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    @Override
    public JdbcJobLedger ledger() {
        return ledger;
    }

    @Override
    public MutableClock clock() {
        return clock;
    }

    @Override
    public String url() {
        return url;
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

        ledger = JdbcJobLedger.open(url, clock);
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
    void refusesADatabaseMigratedByANewerServer() throws Exception {
        ledger.close();
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
                    + " checksum, installed_by, installed_on, execution_time, success)"
                    + " VALUES (99, '99', 'from the future', 'SQL', 'V99__future.sql', 0, 'test', CURRENT_TIMESTAMP, 0,"
                    + " TRUE)");
        }
        assertThatThrownBy(() -> JdbcJobLedger.open(url, clock))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("newer");
        ledger = JdbcJobLedger.open(newDatabaseUrl(), clock);
    }

    @Test
    void refusesAnUnsupportedUrlWithoutShowingItsPassword() {
        assertThatThrownBy(() -> JdbcJobLedger.open("jdbc:mysql://x/y?password=secret", clock))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("jdbc:postgresql:")
                .hasMessageNotContaining("secret");
    }

    @Test
    void concurrentReadModifyWritesFromTwoProcessesLoseNoUpdate() throws Exception {
        try (JdbcJobLedger other = JdbcJobLedger.open(url, Clock.systemUTC())) {
            ledger.insert(JobRecord.submitting("job", "m/a/x", "{}").queuePosition(0), "n");
            int threads = 4;
            int perThread = 25;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                JdbcJobLedger l = t % 2 == 0 ? ledger : other;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        l.update("job", r -> r.queuePosition(r.current().queuePosition() + 1), "increment");
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(other.find("job").orElseThrow().queuePosition()).isEqualTo(threads * perThread);
        }
    }

    @Test
    void concurrentSubmitsWithOneIdempotencyKeyCreateOneRow() throws Exception {
        try (JdbcJobLedger other = JdbcJobLedger.open(url, Clock.systemUTC())) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch start = new CountDownLatch(1);
            Set<String> winners = ConcurrentHashMap.newKeySet();
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                JdbcJobLedger l = t % 2 == 0 ? ledger : other;
                String localId = "local-" + t;
                tasks.add(() -> {
                    start.await();
                    winners.add(l.insert(
                                    JobRecord.submitting(localId, "m/a/x", "{}").idempotencyKey("same"), "n")
                            .localId());
                    return null;
                });
            }
            List<Future<Void>> futures = new ArrayList<>();
            for (Callable<Void> task : tasks) {
                futures.add(pool.submit(task));
            }
            start.countDown();
            for (Future<Void> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(winners).hasSize(1);
            assertThat(ledger.list(new JobQuery(Set.of(), null, null, 100))).hasSize(1);
        }
    }

    @Test
    void anUpdateThatChangesNothingWritesNothingAndKeepsTheTimeOfTheLastChange() {
        List<String> statements = java.util.Collections.synchronizedList(new ArrayList<>());
        try (JdbcJobLedger counted =
                JdbcJobLedger.open(url, clock, c -> LedgerUnderTest.recordingStatements(c, statements))) {
            counted.insert(JobRecord.submitting("same", "m", "{}").estimate("{}", 1), "write before submit");
            counted.update(
                    "same", b -> b.requestId("req-same").state(JobState.RUNNING).falStatus("IN_PROGRESS"), "run");
            JobRecord changed = counted.find("same").orElseThrow();
            clock.advance(Duration.ofSeconds(5));
            statements.clear();

            JobRecord again = counted.update(
                            "same", b -> b.state(JobState.RUNNING).falStatus("IN_PROGRESS"), "poll")
                    .orElseThrow();

            assertThat(again).isEqualTo(changed);
            assertThat(statements).noneMatch(sql -> sql.startsWith("UPDATE") || sql.startsWith("INSERT"));
            clock.advance(Duration.ofSeconds(5));
            JobRecord moved =
                    counted.update("same", b -> b.logs("[\"step\"]"), "log").orElseThrow();
            assertThat(moved.updatedAt()).isEqualTo(clock.instant());
            assertThat(moved.history()).hasSize(2);
            assertThat(statements).anyMatch(sql -> sql.startsWith("UPDATE jobs"));
        }
    }

    @Test
    void everyProcessOnOneLedgerGetsTheSecretTheFirstOneStored() {
        try (JdbcJobLedger other = JdbcJobLedger.open(url, clock)) {
            assertThat(ledger.sharedSecret("k", "first")).isEqualTo("first");
            assertThat(other.sharedSecret("k", "second")).isEqualTo("first");
            assertThat(other.sharedSecret("other", "x")).isEqualTo("x");
        }
    }

    /**
     * A job polled again and again may be answered from what the ledger read before, but only while nothing was
     * committed: a change by this ledger, by another replica's ledger, or by any other writer of the database shows on
     * the very next read.
     */
    @Test
    void aRowReadAgainAfterAnyWriterChangedItIsTheNewRow() throws Exception {
        ledger.insert(JobRecord.submitting("polled", "m", "{}").estimate("{}", 1), "write before submit");
        ledger.update("polled", b -> b.requestId("req-polled").state(JobState.QUEUED), "queued");
        assertThat(ledger.find("polled").orElseThrow().state()).isEqualTo(JobState.QUEUED);
        assertThat(ledger.find("req-polled").orElseThrow().state()).isEqualTo(JobState.QUEUED);

        ledger.update("polled", b -> b.state(JobState.RUNNING).falStatus("IN_PROGRESS"), "running");
        assertThat(ledger.find("polled").orElseThrow().state()).isEqualTo(JobState.RUNNING);

        try (JdbcJobLedger replica = JdbcJobLedger.open(url, clock)) {
            assertThat(replica.find("polled").orElseThrow().state()).isEqualTo(JobState.RUNNING);
            replica.update("polled", b -> b.logs("[\"from the replica\"]"), "log");
            assertThat(ledger.find("polled").orElseThrow().logsJson()).contains("from the replica");
            assertThat(ledger.find("polled").orElseThrow().history()).hasSize(3);
        }
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE jobs SET fal_status = 'RAW' WHERE local_id = 'polled'");
        }
        assertThat(ledger.find("polled").orElseThrow().falStatus()).isEqualTo("RAW");
        assertThat(ledger.find("unknown-yet")).isEmpty();
        ledger.insert(JobRecord.submitting("unknown-yet", "m", "{}").estimate("{}", 1), "write before submit");
        assertThat(ledger.find("unknown-yet")).isPresent();
    }
}
