package dev.klingmcp.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.jobs.JobState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerCrashTest {

    @TempDir
    Path dir;

    @Test
    void aProcessKilledBetweenLedgerWriteAndSubmitLeavesAnUnknownRowAfterRestart() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("jobs.db");
        Process child = new ProcessBuilder(
                        javaBinary(), "-cp", System.getProperty("java.class.path"), CrashingWriter.class.getName(), url)
                .redirectErrorStream(true)
                .start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child exits").isTrue();
        String output = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as("halted, output: " + output).isEqualTo(CrashingWriter.EXIT_CODE);

        Clock restartTime = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(3));
        try (JdbcJobLedger ledger = JdbcJobLedger.open(url, restartTime)) {
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
            JdbcJobLedger ledger = JdbcJobLedger.open(args[0], Clock.systemUTC());
            ledger.insert(
                    JobRecord.submitting(
                            "crash-1", "fal-ai/kling-video/o3/pro/reference-to-video", "{\"prompt\":\"crash\"}"),
                    "ledger write before submit");
            Runtime.getRuntime().halt(EXIT_CODE); // no close(), no shutdown hooks: like SIGKILL right before the POST
        }
    }
}
