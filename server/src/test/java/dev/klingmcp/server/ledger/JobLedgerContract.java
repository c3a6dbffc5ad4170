package dev.klingmcp.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.klingmcp.server.jobs.JobCursor;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.StateChange;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobLedger} database must do, whichever it is: each subclass names a fresh, empty database and the
 * same tests run against it. Two ledgers opened on one database stand for two server processes (or replicas).
 */
abstract class JobLedgerContract {

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
    void pagesWalkEveryMatchingRowExactlyOnceNewestFirstEvenWhileRowsAreAdded() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 57; i++) {
            if (i % 3 == 0) {
                clock.advance(Duration.ofSeconds(1)); // rows come in threes sharing one millisecond
            }
            boolean pro = i % 3 != 1; // two of each three: pages of 5 split such pairs
            insert("row-" + i, pro ? "m/pro" : "m/std", 1.0);
            if (pro) {
                expected.add(0, "row-" + i);
            }
        }
        JobQuery pro = new JobQuery(Set.of(), "m/pro", null, 5);
        List<String> seen = new ArrayList<>();
        LedgerPage page = ledger.page(pro);
        int matching = expected.size();
        int pages = 1;
        while (true) {
            seen.addAll(page.rows().stream().map(JobRecord::localId).toList());
            assertThat(page.totals().count()).as("totals ignore the cursor").isEqualTo(matching);
            if (page.next() == null) {
                break;
            }
            assertThat(page.rows()).hasSize(5);
            if (pages == 2) {
                clock.advance(Duration.ofSeconds(1));
                insert("newer", "m/pro", 1.0); // lands before the first page: the walk neither sees nor repeats it
                matching++;
            }
            JobCursor cursor = JobCursor.decode(page.next().encode()).orElseThrow();
            page = ledger.page(pro.startingAfter(cursor));
            pages++;
            assertThat(pages).as("a walk of %s rows ends", expected.size()).isLessThan(12);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(8); // 38 rows: 7 pages of 5, then 3
        assertThat(ledger.list(pro.startingAfter(new JobCursor(0, 0)))).isEmpty();
    }

    @Test
    void aPageEndingExactlyAtTheLastRowHasNoNextCursor() {
        for (int i = 0; i < 4; i++) {
            insert("r" + i, "m/a", 1.0);
        }
        LedgerPage page = ledger.page(new JobQuery(Set.of(), null, null, 4));
        assertThat(page.rows()).extracting(JobRecord::localId).containsExactly("r3", "r2", "r1", "r0");
        assertThat(page.rows().get(0).history()).extracting(StateChange::state).containsExactly(JobState.SUBMITTING);
        assertThat(page.next()).isNull();
        assertThat(ledger.page(new JobQuery(Set.of(), null, null, 3)).next()).isNotNull();
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
    void listReadsEveryRowsHistoryWithAFixedNumberOfStatements() {
        AtomicInteger prepared = new AtomicInteger();
        try (JdbcJobLedger counted = JdbcJobLedger.open(url, clock, c -> counting(c, prepared))) {
            for (int i = 0; i < 40; i++) {
                clock.advance(Duration.ofSeconds(1));
                counted.insert(JobRecord.submitting("local-" + i, "m", "{}").estimate("{}", 1), "write before submit");
                String requestId = "req-" + i;
                counted.update("local-" + i, b -> b.requestId(requestId).state(JobState.QUEUED), "accepted");
            }
            int before = prepared.get();
            counted.list(new JobQuery(Set.of(), null, null, 2));
            int forTwo = prepared.get() - before;
            before = prepared.get();
            List<JobRecord> forty = counted.list(new JobQuery(Set.of(), null, null, 40));
            int forForty = prepared.get() - before;
            assertThat(forForty).isEqualTo(forTwo).isLessThanOrEqualTo(2);
            assertThat(forty.get(0).localId()).isEqualTo("local-39");
            assertThat(forty.get(0).history())
                    .extracting(StateChange::state)
                    .containsExactly(JobState.SUBMITTING, JobState.QUEUED);
        }
    }

    @Test
    void anUpdateThatChangesNothingWritesNothingAndKeepsTheTimeOfTheLastChange() {
        List<String> statements = java.util.Collections.synchronizedList(new ArrayList<>());
        try (JdbcJobLedger counted = JdbcJobLedger.open(url, clock, c -> recording(c, statements))) {
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
    void rowsCreatedInTheSameMillisecondListInInsertionOrderNewestFirst() {
        for (int i = 0; i < 5; i++) {
            insert("same-" + i, "m/a/x", 0);
        }
        assertThat(ledger.list(new JobQuery(Set.of(), null, null, 10)))
                .extracting(JobRecord::localId)
                .containsExactly("same-4", "same-3", "same-2", "same-1", "same-0");
    }

    // ---- leases of the background follower ----------------------------------------------------------------------

    private void accepted(String localId, JobState state) {
        ledger.update(localId, b -> b.requestId("req-" + localId).state(state), "accepted");
    }

    @Test
    void aClaimTakesUnfinishedJobsFalKnowsAndNoOtherProcessGetsThemWhileTheLeaseHolds() {
        insert("queued", "m/a/x", 0);
        accepted("queued", JobState.QUEUED);
        clock.advance(Duration.ofSeconds(1));
        insert("running", "m/a/x", 0);
        accepted("running", JobState.RUNNING);
        insert("submitting", "m/a/x", 0);
        insert("done", "m/a/x", 0);
        accepted("done", JobState.SUCCEEDED);
        Instant until = clock.instant().plus(Duration.ofSeconds(30));
        try (JdbcJobLedger other = JdbcJobLedger.open(url, clock)) {
            assertThat(ledger.claimUnfinished("A", until, 10, false))
                    .extracting(JobRecord::localId)
                    .containsExactly("queued", "running");
            assertThat(other.claimUnfinished("B", until, 10, false)).isEmpty();
            // the holder renews
            assertThat(ledger.claimUnfinished("A", until.plusSeconds(30), 10, false))
                    .hasSize(2);
            clock.advance(Duration.ofSeconds(31));
            assertThat(other.claimUnfinished("B", clock.instant().plusSeconds(30), 10, false))
                    .isEmpty();
            // A stopped renewing (died): once its lease ran out, B takes the jobs over
            clock.advance(Duration.ofSeconds(30));
            assertThat(other.claimUnfinished("B", clock.instant().plusSeconds(30), 1, false))
                    .extracting(JobRecord::localId)
                    .containsExactly("queued");
            assertThat(ledger.claimUnfinished("A", clock.instant().plusSeconds(30), 10, false))
                    .extracting(JobRecord::localId)
                    .containsExactly("running");
        }
    }

    @Test
    void aReleasedLeaseIsFreeAtOnceAndOnlyItsHolderCanReleaseIt() {
        insert("j", "m/a/x", 0);
        accepted("j", JobState.RUNNING);
        Instant until = clock.instant().plusSeconds(30);
        assertThat(ledger.claimUnfinished("A", until, 10, false)).hasSize(1);
        ledger.release("j", "B");
        assertThat(ledger.claimUnfinished("B", until, 10, false)).isEmpty();
        ledger.release("req-j", "A");
        assertThat(ledger.claimUnfinished("B", until, 10, false))
                .extracting(JobRecord::localId)
                .containsExactly("j");
    }

    @Test
    void succeededJobsWithoutTheirVideoAreClaimedOnlyWhenDownloadsAreWanted() {
        insert("saved", "m/a/x", 0);
        accepted("saved", JobState.SUCCEEDED);
        ledger.update("saved", b -> b.download("/v/saved.mp4", "abc"), "downloaded");
        insert("unsaved", "m/a/x", 0);
        accepted("unsaved", JobState.SUCCEEDED);
        insert("failed", "m/a/x", 0);
        accepted("failed", JobState.FAILED);
        Instant until = clock.instant().plusSeconds(30);
        assertThat(ledger.claimUnfinished("A", until, 10, false)).isEmpty();
        assertThat(ledger.claimUnfinished("A", until, 10, true))
                .extracting(JobRecord::localId)
                .containsExactly("unsaved");
    }

    @Test
    void concurrentClaimsFromManyProcessesNeverHandOneJobToTwo() throws Exception {
        for (int i = 0; i < 30; i++) {
            insert("j" + i, "m/a/x", 0);
            accepted("j" + i, JobState.QUEUED);
        }
        List<JdbcJobLedger> replicas = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int r = 0; r < 4; r++) {
                replicas.add(JdbcJobLedger.open(url, clock));
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> claims = new ArrayList<>();
            Instant until = clock.instant().plusSeconds(30);
            for (int r = 0; r < 4; r++) {
                JdbcJobLedger replica = replicas.get(r);
                String owner = "replica-" + r;
                claims.add(pool.submit(() -> {
                    start.await();
                    List<String> mine = new ArrayList<>();
                    for (int round = 0; round < 5; round++) {
                        replica.claimUnfinished(owner, until, 4, false).forEach(j -> mine.add(j.localId()));
                    }
                    return mine;
                }));
            }
            start.countDown();
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : claims) {
                // a replica renews its own rows in later rounds: each of its jobs counts once
                all.addAll(f.get(60, TimeUnit.SECONDS).stream().distinct().toList());
            }
            assertThat(all).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(4);
        } finally {
            pool.shutdown();
            replicas.forEach(JdbcJobLedger::close);
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

    /** The connection with every prepareStatement/createStatement call counted. */
    private static Connection recording(Connection real, List<String> statements) {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement")) {
                        statements.add(((String) args[0]).strip());
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static Connection counting(Connection real, AtomicInteger prepared) {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement")
                            || method.getName().equals("createStatement")) {
                        prepared.incrementAndGet();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
