package dev.klingmcp.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.jobs.JobState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerConcurrencyAndCrashTest {

    @TempDir
    Path dir;

    @Test
    void concurrentReadModifyWritesFromTwoConnectionsLoseNoUpdate() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("jobs.db");
        // Two ledgers on one file stand for two server processes sharing the database.
        try (SqliteJobLedger a = SqliteJobLedger.open(url, Clock.systemUTC());
                SqliteJobLedger b = SqliteJobLedger.open(url, Clock.systemUTC())) {
            a.insert(JobRecord.submitting("job", "m/a/x", "{}").queuePosition(0), "n");
            int threads = 4;
            int perThread = 50;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SqliteJobLedger ledger = t % 2 == 0 ? a : b;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        ledger.update("job", r -> r.queuePosition(r.current().queuePosition() + 1), "increment");
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(a.find("job").orElseThrow().queuePosition()).isEqualTo(threads * perThread);
        }
    }

    @Test
    void concurrentSubmitsWithOneIdempotencyKeyCreateOneRow() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("jobs.db");
        try (SqliteJobLedger a = SqliteJobLedger.open(url, Clock.systemUTC());
                SqliteJobLedger b = SqliteJobLedger.open(url, Clock.systemUTC())) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch start = new CountDownLatch(1);
            Set<String> winners = ConcurrentHashMap.newKeySet();
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                SqliteJobLedger ledger = t % 2 == 0 ? a : b;
                String localId = "local-" + t;
                tasks.add(() -> {
                    start.await();
                    winners.add(ledger.insert(
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
            assertThat(a.list(new JobQuery(Set.of(), null, null, 100))).hasSize(1);
        }
    }

    @Test
    void aProcessKilledBetweenLedgerWriteAndSubmitLeavesAnUnknownRowAfterRestart() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("jobs.db");
        Process child = new ProcessBuilder(
                        javaBinary(), "-cp", System.getProperty("java.class.path"), CrashingWriter.class.getName(), url)
                .redirectErrorStream(true)
                .start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child exits").isTrue();
        String output = new String(child.getInputStream().readAllBytes());
        assertThat(child.exitValue()).as("halted, output: " + output).isEqualTo(CrashingWriter.EXIT_CODE);

        Clock restartTime = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(3));
        try (SqliteJobLedger ledger = SqliteJobLedger.open(url, restartTime)) {
            assertThat(ledger.find("crash-1").orElseThrow().state()).isEqualTo(JobState.SUBMITTING);
            assertThat(ledger.recoverInterruptedSubmits(Duration.ofMinutes(2))).isEqualTo(1);
            JobRecord r = ledger.find("crash-1").orElseThrow();
            assertThat(r.state()).isEqualTo(JobState.UNKNOWN);
            assertThat(r.inputJson()).isEqualTo("{\"prompt\":\"crash\"}");
            assertThat(new HashSet<>(r.history().stream().map(c -> c.state()).toList()))
                    .containsExactlyInAnyOrder(JobState.SUBMITTING, JobState.UNKNOWN);
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Child process: writes the SUBMITTING row the way the service does, then dies without any cleanup. */
    public static final class CrashingWriter {
        static final int EXIT_CODE = 137;

        public static void main(String[] args) {
            SqliteJobLedger ledger = SqliteJobLedger.open(args[0], Clock.systemUTC());
            ledger.insert(
                    JobRecord.submitting(
                            "crash-1", "fal-ai/kling-video/o3/pro/reference-to-video", "{\"prompt\":\"crash\"}"),
                    "ledger write before submit");
            Runtime.getRuntime().halt(EXIT_CODE); // no close(), no shutdown hooks: like SIGKILL right before the POST
        }
    }
}
