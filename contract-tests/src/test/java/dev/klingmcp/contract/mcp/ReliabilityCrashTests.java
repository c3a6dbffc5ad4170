package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.fault.FaultAction;
import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.mock.fault.FaultRoute;
import dev.klingmcp.mock.queue.JobSnapshot;
import dev.klingmcp.testing.report.ReliabilityReport;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash fal's missing idempotent submit makes dangerous, against the real server process. {@value #JOBS} generate
 * calls (each with its own idempotency_key) go out from {@value #AGENTS} agents while mock-fal plays a seeded script per
 * submit: answer at once, accept and hold the answer back (the job exists at fal, the ledger has no request id), or
 * delay before processing (fal has not taken it yet). Once fal holds a seeded number (≥ 100) of accepted jobs, none
 * of which can progress (manual clock), the server is SIGKILLed: submits are caught at every stage at once, ledger row
 * written but not sent, sent but not processed, accepted but unanswered, answered but not yet recorded.
 *
 * <p>A new server on the same ledger must then find every job fal accepted (request history) and fetch its video; every
 * row fal never received must become FAILED (not billed), after which one explicit retry with the same idempotency_key
 * submits it exactly once; no input may ever be accepted twice.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReliabilityCrashTests {

    static final int JOBS = 130;

    static final int AGENTS = 32;

    static final int MIN_ACCEPTED_AT_KILL = 100;

    private static final long SEED = Long.getLong("reliability.crash.seed", 20261126L);

    private static final String MODEL = "o3/standard/image-to-video";

    @TempDir
    Path root;

    @Test
    void everyJobFalAcceptedBeforeASigkillIsFetchedAndNoneIsSubmittedTwice() throws Exception {
        ServerCommand.assumeServerBuilt();
        Random random = new Random(SEED);
        long t0 = System.nanoTime();
        try (MockFal mock = ClockDriver.startMock()) {
            ServerSetup setup = ServerSetup.under(root, mock.baseUrl(), SecretScan.FAL_KEY)
                    // Held submits answer the agent with timed_out at this deadline while the submit goes on.
                    .with("KLING_MCP_TIMEOUT_TOOL_CALL_SECONDS", "5")
                    // A row fal never received is FAILED once absent from fal's history this long.
                    .with("KLING_MCP_TIMEOUT_NOT_ACCEPTED_AFTER_SECONDS", "30");
            FaultPlan plan = new FaultPlan();
            int acceptable = 0;
            Map<String, Integer> scripted = new LinkedHashMap<>();
            for (int i = 0; i < JOBS; i++) {
                double p = random.nextDouble();
                String action = p < 0.5 ? "pass" : p < 0.85 ? "hold:600000" : "slow:600000";
                plan.script(FaultRoute.SUBMIT, FaultAction.parse(action));
                acceptable += action.startsWith("slow") ? 0 : 1;
                scripted.merge(action.replaceAll(":.*", ""), 1, Integer::sum);
            }
            assertThat(acceptable)
                    .as("seed %s scripts enough accepted submits", SEED)
                    .isGreaterThanOrEqualTo(MIN_ACCEPTED_AT_KILL);
            int killAt = MIN_ACCEPTED_AT_KILL + random.nextInt(acceptable - MIN_ACCEPTED_AT_KILL + 1);
            int killDelayMs = random.nextInt(250);
            mock.control().setFaults(plan);

            Recorder before = new Recorder(root.resolve("stderr-before-kill.log"));
            StdioServer first = StdioServer.start(setup, before);
            AtomicInteger answeredBeforeKill = new AtomicInteger();
            ExecutorService agents = Executors.newFixedThreadPool(AGENTS);
            List<Future<?>> calls = new ArrayList<>();
            int acceptedAtKill;
            try {
                for (int i = 0; i < JOBS; i++) {
                    Map<String, Object> args = arguments(i);
                    calls.add(agents.submit(() -> {
                        ToolCall call = first.session().call("generate", args);
                        if (!call.isError()) {
                            answeredBeforeKill.incrementAndGet();
                        }
                    }));
                }
                for (int i = 0; i < 1200 && mock.control().jobs().size() < killAt; i++) {
                    Thread.sleep(50);
                }
                Thread.sleep(killDelayMs);
                acceptedAtKill = mock.control().jobs().size();
                first.kill();
            } finally {
                // The calls still waiting die with the server's pipe; their failures are the point.
                calls.forEach(f -> f.cancel(true));
                agents.shutdownNow();
                first.close();
            }
            mock.control().setFaults(new FaultPlan());
            assertThat(acceptedAtKill).as("jobs in flight at fal at the kill").isGreaterThanOrEqualTo(killAt);
            Map<String, String> atFal = promptsAtFal(mock);
            LedgerCounts atRestart = LedgerCounts.read(setup.ledger());
            // fal lists a request in its history once a runner starts it; none could start with the clock stopped.
            mock.control().advanceClock(Duration.ofMinutes(2));

            Recorder after = new Recorder(root.resolve("stderr-after-restart.log"));
            try (StdioServer second = StdioServer.start(setup, after)) {
                Map<String, JsonNode> verdicts = byPrompt(awaitVerdicts(second, Duration.ofMinutes(2)), setup.ledger());
                mock.control().advanceClock(Duration.ofHours(1));

                int ready = 0;
                List<String> unreachable = new ArrayList<>();
                for (Map.Entry<String, String> job : atFal.entrySet()) {
                    JsonNode row = verdicts.get(job.getKey());
                    String jobId = row == null ? null : row.path("job_id").asText();
                    if (!job.getValue().equals(jobId)) {
                        unreachable.add(job.getKey() + " (fal " + job.getValue() + ", ledger " + row + ")");
                        continue;
                    }
                    ToolCall result = second.session().call("result", Map.of("job_id", jobId));
                    if ("READY".equals(result.at("/outcome").asText())
                            && result.at("/video/url").asText().startsWith("http")) {
                        ready++;
                    } else {
                        unreachable.add(job.getKey() + ": " + result);
                    }
                }
                assertThat(unreachable)
                        .as("jobs fal accepted that are not fetched after restart")
                        .isEmpty();

                List<String> notReceived = new ArrayList<>();
                for (Map.Entry<String, JsonNode> row : verdicts.entrySet()) {
                    if (!atFal.containsKey(row.getKey())) {
                        assertThat(row.getValue().path("status").asText())
                                .as("a row fal never received: %s", row.getValue())
                                .isEqualTo("FAILED");
                        assertThat(row.getValue().at("/error/error_type").asText())
                                .isEqualTo("not_accepted_by_fal");
                        notReceived.add(row.getKey());
                    }
                }
                // The explicit retry with the same idempotency_key: submitted once, then the same job returned.
                int resubmitted = 0;
                for (String prompt : notReceived) {
                    Map<String, Object> args = arguments(Integer.parseInt(prompt.replaceAll("\\D", "")));
                    ToolCall retry = second.session().call("generate", args);
                    assertThat(retry.isError()).as("%s", retry).isFalse();
                    assertThat(retry.at("/reused").asBoolean()).as("%s", retry).isFalse();
                    ToolCall again = second.session().call("generate", args);
                    assertThat(again.at("/reused").asBoolean()).as("%s", again).isTrue();
                    assertThat(again.at("/job/job_id").asText())
                            .isEqualTo(retry.at("/job/job_id").asText());
                    resubmitted++;
                }
                Map<String, Integer> acceptedPerPrompt = new HashMap<>();
                for (JobSnapshot j : mock.control().jobs()) {
                    acceptedPerPrompt.merge(j.input().path("prompt").asText(), 1, Integer::sum);
                }
                long duplicates =
                        acceptedPerPrompt.values().stream().filter(n -> n > 1).count();
                assertThat(duplicates).as("inputs fal accepted more than once").isZero();
                assertThat(mock.control().jobs()).hasSize(atFal.size() + resubmitted);

                List<String> leaks = new ArrayList<>(SecretScan.hits(before));
                leaks.addAll(SecretScan.hits(after));
                leaks.addAll(SecretScan.fileHits(root));
                assertThat(leaks).as("the fal key in outputs, stderr or files").isEmpty();

                long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
                report(
                        scripted,
                        killAt,
                        acceptedAtKill,
                        answeredBeforeKill.get(),
                        atRestart,
                        atRestart.promptsWithoutRequestId().stream()
                                .filter(atFal::containsKey)
                                .count(),
                        verdicts.size(),
                        ready,
                        notReceived.size(),
                        resubmitted,
                        duplicates,
                        seconds);
            }
        }
    }

    /**
     * Until every ledger row has a verdict: found at fal (its job_id is fal's) or FAILED as not accepted; the rows by
     * local id.
     */
    private static Map<String, JsonNode> awaitVerdicts(StdioServer server, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        Map<String, JsonNode> byLocalId = new LinkedHashMap<>();
        while (true) {
            byLocalId.clear();
            int open = 0;
            ToolCall listed = server.session().call("list_jobs", Map.of("limit", 200));
            for (JsonNode job : listed.at("/jobs")) {
                JsonNode row = job;
                boolean decided = !job.path("job_id").asText().startsWith("local-")
                        || "FAILED".equals(job.path("status").asText());
                if (!decided) {
                    // status reconciles an open row at once (the background round runs once a minute).
                    row = server.session()
                            .call("status", Map.of("job_id", job.path("job_id").asText()))
                            .at("/job");
                    decided = !row.path("job_id").asText().startsWith("local-")
                            || "FAILED".equals(row.path("status").asText());
                }
                open += decided ? 0 : 1;
                byLocalId.put(row.path("local_id").asText(), row);
            }
            if (open == 0 || System.nanoTime() > deadline) {
                assertThat(open)
                        .as("rows still without a verdict: %s", byLocalId)
                        .isZero();
                return byLocalId;
            }
            Thread.sleep(1000);
        }
    }

    /** The rows by the prompt they were submitted with (the job JSON has no input; the ledger file has). */
    private static Map<String, JsonNode> byPrompt(Map<String, JsonNode> byLocalId, Path ledger) throws SQLException {
        Map<String, JsonNode> byPrompt = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledger);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT local_id, json_extract(input_json, '$.prompt') FROM jobs")) {
            while (r.next()) {
                JsonNode row = byLocalId.get(r.getString(1));
                assertThat(row).as("ledger row %s listed", r.getString(1)).isNotNull();
                assertThat(byPrompt.put(r.getString(2), row))
                        .as("two ledger rows for %s", r.getString(2))
                        .isNull();
            }
        }
        assertThat(byPrompt).hasSameSizeAs(byLocalId);
        return byPrompt;
    }

    private static Map<String, Object> arguments(int i) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("model", MODEL);
        args.put("prompt", "crash job " + i);
        args.put("image_url", "https://example.com/cat.png");
        args.put("duration", "3");
        args.put("idempotency_key", "crash-key-" + i);
        return args;
    }

    private static Map<String, String> promptsAtFal(MockFal mock) {
        Map<String, String> byPrompt = new LinkedHashMap<>();
        for (JobSnapshot j : mock.control().jobs()) {
            String prompt = j.input().path("prompt").asText();
            assertThat(byPrompt.put(prompt, j.requestId()))
                    .as("fal accepted %s twice before the kill", prompt)
                    .isNull();
        }
        return byPrompt;
    }

    /** The ledger as the SIGKILL left it, read straight from the SQLite file before any server touches it again. */
    record LedgerCounts(int rows, int withRequestId, List<String> promptsWithoutRequestId) {

        static LedgerCounts read(Path ledger) throws SQLException {
            int rows = 0;
            int withId = 0;
            List<String> without = new ArrayList<>();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledger);
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT request_id, json_extract(input_json, '$.prompt') FROM jobs")) {
                while (r.next()) {
                    rows++;
                    if (r.getString(1) == null) {
                        without.add(r.getString(2));
                    } else {
                        withId++;
                    }
                }
            }
            return new LedgerCounts(rows, withId, without);
        }
    }

    private static void report(
            Map<String, Integer> scripted,
            int killAt,
            int acceptedAtKill,
            int answeredBeforeKill,
            LedgerCounts atRestart,
            long acceptedUnrecorded,
            int rowsAfter,
            int ready,
            int notReceived,
            int resubmitted,
            long duplicates,
            long seconds) {
        String md = "## Crash recovery (SIGKILL of the server process)\n\n"
                + "Command: `mvn -B verify -pl contract-tests -am -Dtest=ReliabilityCrashTests"
                + " -Dsurefire.failIfNoSpecifiedTests=false` (seed " + SEED
                + ", `-Dreliability.crash.seed=` to vary it). The real server (`kling-mcp serve`, stdio, its own JVM) gets "
                + JOBS + " generate calls from " + AGENTS + " agents, each with its own idempotency_key; mock-fal's"
                + " seeded submit script per call: " + scripted
                + " (hold = accepted at fal, answer held back; slow = not processed before the kill). SIGKILL once fal"
                + " holds " + killAt
                + " accepted jobs (+ a seeded 0–250 ms), restart on the same ledger, reconcile.\n\n"
                + "| measure | value |\n|---|---|\n"
                + "| jobs in flight at fal at the SIGKILL (accepted, none finished) | " + acceptedAtKill + " |\n"
                + "| generate calls answered before the kill | " + answeredBeforeKill + " |\n"
                + "| ledger rows at restart / with fal's request id / without (killed between ledger write and"
                + " recording fal's answer) | " + atRestart.rows() + " / " + atRestart.withRequestId() + " / "
                + atRestart.promptsWithoutRequestId().size() + " |\n"
                + "| of those, accepted at fal (SIGKILL between fal's accept and the ledger update) | "
                + acceptedUnrecorded + " |\n"
                + "| rows after reconciliation | " + rowsAfter + " |\n"
                + "| jobs fal accepted that are terminal with the video retrievable (result READY) | " + ready + " / "
                + acceptedAtKill + " |\n"
                + "| rows fal never received → FAILED not_accepted_by_fal (not billed) | " + notReceived + " |\n"
                + "| of those, submitted again by one explicit retry with the same idempotency_key | " + resubmitted
                + " (a second retry returned the same job) |\n"
                + "| inputs accepted by fal more than once (duplicate submits) | " + duplicates + " |\n"
                + "| fal key found in outputs, stderr, ledger files (incl. -wal/-shm) | 0 |\n"
                + "| wall time | " + seconds + " s |\n";
        ReliabilityReport.section("crash", md);
        System.err.println(md);
    }
}
