package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.queue.JobStatus;
import dev.klingmcp.testing.video.Mp4Probe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger keeps jobs through a crash: SIGKILL the server while three jobs (one per model) are queued or running
 * and a client is waiting on one of them, start a new server on the same ledger, and every job is still listed and
 * its video can be fetched once fal (the mock, which kept running) finishes it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StdioCrashRecoveryTests {

    @TempDir
    Path root;

    @Test
    void jobsSurviveASigkillAndTheirVideosAreFetchedAfterRestart() throws Exception {
        ServerCommand.assumeServerBuilt();
        try (MockFal mock = ClockDriver.startMock()) {
            ClockDriver clock = new ClockDriver(mock);
            ServerSetup setup = ServerSetup.under(root, mock.baseUrl(), SecretScan.FAL_KEY);
            Recorder before = new Recorder(root.resolve("stderr-before-kill.log"));
            List<SeedInputs> seeds = oneSeedPerModel();
            List<String> ids = new ArrayList<>();

            StdioServer first = StdioServer.start(setup, before);
            try {
                for (SeedInputs seed : seeds) {
                    ToolCall call = first.session().call("generate", McpContractSuite.args(seed.generateArguments()));
                    assertThat(call.isError()).as("%s", call).isFalse();
                    ids.add(call.at("/job_id").asText());
                }
                assertThat(clock.advanceTo(ids.get(0), JobStatus.IN_PROGRESS).status())
                        .isEqualTo(JobStatus.IN_PROGRESS);
                String token = "crash-" + UUID.randomUUID();
                CompletableFuture<ToolCall> waiting = CompletableFuture.supplyAsync(
                        () -> first.session().call("status", Map.of("job_id", ids.get(0), "wait_seconds", 45), token));
                ClockDriver.pace(() -> !before.progress(token).isEmpty());
                assertThat(waiting)
                        .as("a client is still waiting on the job when the server is killed")
                        .isNotDone();
                first.kill();
            } finally {
                first.close();
            }

            Recorder after = new Recorder(root.resolve("stderr-after-restart.log"));
            try (StdioServer second = StdioServer.start(setup, after)) {
                ToolCall listed = second.session().call("list_jobs", Map.of());
                assertThat(listed.at("/jobs").findValuesAsText("job_id"))
                        .as("%s", listed)
                        .containsAll(ids);
                for (var job : listed.at("/jobs")) {
                    assertThat(job.path("status").asText())
                            .as("fal accepted these before the crash: %s", job)
                            .isIn("QUEUED", "RUNNING", "SUCCEEDED");
                }
                for (int i = 0; i < ids.size(); i++) {
                    clock.complete(ids.get(i));
                    ToolCall result = second.session().call("result", Map.of("job_id", ids.get(i), "download", true));
                    assertThat(result.at("/outcome").asText()).as("%s", result).isEqualTo("READY");
                    Mp4Probe video =
                            Mp4Probe.of(Path.of(result.at("/download/path").asText()));
                    assertThat(video.durationSeconds()).isCloseTo(seeds.get(i).requestedSeconds(), within(0.5));
                }
                OutputSchemaCheck schemas =
                        new OutputSchemaCheck(second.session().tools());
                assertThat(schemas.problems(before.calls())).isEmpty();
                assertThat(schemas.problems(after.calls())).isEmpty();
                assertThat(before.stderr()).isNotEmpty();
                assertThat(SecretScan.hits(before)).isEmpty();
                assertThat(SecretScan.hits(after)).isEmpty();
                assertThat(SecretScan.fileHits(root)).isEmpty();
            }
        }
    }

    private static List<SeedInputs> oneSeedPerModel() {
        List<SeedInputs> seeds = new ArrayList<>();
        for (SeedInputs seed : SeedInputs.ruleValid()) {
            if (seeds.stream().noneMatch(s -> s.model().equals(seed.model()))) {
                seeds.add(seed);
            }
        }
        assertThat(seeds).hasSize(3);
        return seeds;
    }
}
