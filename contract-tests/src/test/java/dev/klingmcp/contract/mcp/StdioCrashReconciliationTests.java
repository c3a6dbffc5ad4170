package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.mock.queue.JobSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash fal's missing idempotent submit makes dangerous: the server is SIGKILLed after fal accepted 100 jobs but
 * before any answer reached the ledger (the mock holds every submit answer). A new server on the same ledger must find
 * every one of them in fal's request history and fetch every video; none may be submitted twice.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class StdioCrashReconciliationTests {

    static final int JOBS = 100;

    private static final String STANDARD = "fal-ai/kling-video/o3/standard/image-to-video";

    @TempDir
    Path root;

    @Test
    void jobsAcceptedJustBeforeASigkillAreFoundAndFetchedAfterRestart() throws Exception {
        ServerCommand.assumeServerBuilt();
        try (MockFal mock = ClockDriver.startMock()) {
            ServerSetup setup = ServerSetup.under(root, mock.baseUrl(), SecretScan.FAL_KEY);
            mock.control().setFaults(FaultPlan.parse("submit=hold:600000x" + JOBS));
            Recorder before = new Recorder(root.resolve("stderr-before-kill.log"));
            StdioServer first = StdioServer.start(setup, before);
            ExecutorService agents = Executors.newFixedThreadPool(16);
            long t0 = System.nanoTime();
            try {
                for (int i = 0; i < JOBS; i++) {
                    Map<String, Object> args = new LinkedHashMap<>();
                    args.put("model", "o3/standard/image-to-video");
                    args.put("prompt", "crash job " + i);
                    args.put("image_url", "https://example.com/cat.png");
                    args.put("duration", "3");
                    agents.submit(() -> first.session().call("generate", args));
                }
                // Bounded: every submit reaches fal and is accepted; no answer comes back.
                for (int i = 0; i < 600 && accepted(mock) < JOBS; i++) {
                    Thread.sleep(100);
                }
                assertThat(accepted(mock)).as("accepted before the kill").isEqualTo(JOBS);
                first.kill();
            } finally {
                agents.shutdownNow();
                first.close();
            }
            mock.control().setFaults(new FaultPlan());
            mock.control().advanceClock(Duration.ofMinutes(2)); // runners start them: now in fal's history

            Recorder after = new Recorder(root.resolve("stderr-after-restart.log"));
            try (StdioServer second = StdioServer.start(setup, after)) {
                Set<String> found = new HashSet<>();
                for (int round = 0; round < 120 && found.size() < JOBS; round++) {
                    found.clear();
                    ToolCall listed = second.session().call("list_jobs", Map.of("limit", 200));
                    for (JsonNode job : listed.at("/jobs")) {
                        if (!job.path("job_id").asText().startsWith("local-")) {
                            found.add(job.path("job_id").asText());
                        }
                    }
                    if (found.size() < JOBS) {
                        Thread.sleep(500);
                    }
                }
                assertThat(found).as("jobs found again in fal's history").hasSize(JOBS);
                mock.control().advanceClock(Duration.ofHours(1));
                int ready = 0;
                for (String id : found) {
                    ToolCall result = second.session().call("result", Map.of("job_id", id));
                    ready += "READY".equals(result.at("/outcome").asText()) ? 1 : 0;
                }
                long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
                assertThat(ready).isEqualTo(JOBS);
                assertThat(accepted(mock)).as("no duplicate submit").isEqualTo(JOBS);
                assertThat(SecretScan.hits(before)).isEmpty();
                assertThat(SecretScan.hits(after)).isEmpty();
                assertThat(SecretScan.fileHits(root)).isEmpty();
                Set<String> atFal = new HashSet<>();
                for (JobSnapshot j : mock.control().jobs()) {
                    atFal.add(j.requestId());
                }
                assertThat(found).isEqualTo(atFal);
                System.err.println("crash reconciliation: " + JOBS + " accepted before SIGKILL, " + found.size()
                        + " found after restart, " + ready + " videos READY, " + accepted(mock)
                        + " submits accepted in total, " + seconds + " s");
            }
        }
    }

    private static long accepted(MockFal mock) {
        var c = mock.control().submits().get(STANDARD);
        return c == null ? 0 : c.accepted();
    }
}
