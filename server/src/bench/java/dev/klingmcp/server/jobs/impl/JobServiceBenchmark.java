package dev.klingmcp.server.jobs.impl;

import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.ResultView;
import dev.klingmcp.server.jobs.StatusListener;
import dev.klingmcp.server.jobs.SubmitCommand;
import dev.klingmcp.server.ledger.JdbcJobLedger;
import dev.klingmcp.server.ledger.JobRecord;
import dev.klingmcp.server.testing.MockFalConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Not a test (no assertions on time): prints medians of the server core's costs on this machine, loopback only.
 * Run: {@code bench/run job-service [n]} (n ledger writes, n/10 whole jobs; default 100).
 */
public final class JobServiceBenchmark {

    private JobServiceBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Path dir = Files.createTempDirectory("kling-bench");
        ledger(dir, n);
        String key = "bench-id:bench-secret";
        try (MockFal mock = MockFal.start(new MockFalOptions()
                .setSpeed(1000)
                .setSeed(1)
                .setLogRequests(false)
                .setStorageDir(Files.createDirectories(dir.resolve("mock")))
                .addApiKey(key))) {
            ServerConfig config = MockFalConfig.in(dir, mock.baseUrl(), key);
            try (DefaultJobService jobs = DefaultJobService.open(config)) {
                endToEnd(jobs, Math.max(5, n / 10));
            }
        }
        System.exit(0);
    }

    private static void ledger(Path dir, int n) {
        try (JdbcJobLedger ledger = JdbcJobLedger.open("jdbc:sqlite:" + dir.resolve("bench.db"), Clock.systemUTC())) {
            List<Double> insert = new ArrayList<>();
            List<Double> update = new ArrayList<>();
            for (int i = 0; i < n + 20; i++) {
                String id = "bench-" + i;
                long t0 = System.nanoTime();
                ledger.insert(
                        JobRecord.submitting(id, "fal-ai/kling-video/o3/pro/reference-to-video", "{\"prompt\":\"p\"}"),
                        "w");
                long t1 = System.nanoTime();
                ledger.update(id, b -> b.requestId("req-" + id).state(JobState.QUEUED), "accepted");
                long t2 = System.nanoTime();
                if (i >= 20) { // warm-up excluded
                    insert.add((t1 - t0) / 1e6);
                    update.add((t2 - t1) / 1e6);
                }
            }
            print("ledger insert (SUBMITTING row, committed, WAL)", insert);
            print("ledger update (read-modify-write + history)", update);
        }
    }

    private static void endToEnd(DefaultJobService jobs, int n) {
        FalEndpoint standard = FalEndpoints.load().require("o3/standard/image-to-video");
        List<Double> submit = new ArrayList<>();
        List<Double> status = new ArrayList<>();
        List<Double> total = new ArrayList<>();
        List<Double> download = new ArrayList<>();
        for (int i = 0; i < n + 2; i++) {
            var input = JobServiceFixture.standardInput("bench " + i);
            long t0 = System.nanoTime();
            JobView job = jobs.submit(SubmitCommand.of(standard, input)).job();
            long t1 = System.nanoTime();
            jobs.status(job.jobId());
            long t2 = System.nanoTime();
            JobView done = jobs.await(job.jobId(), Duration.ofSeconds(60), StatusListener.NONE);
            if (done.state() != JobState.SUCCEEDED) {
                throw new IllegalStateException("job ended " + done.state());
            }
            long t3 = System.nanoTime();
            ResultView r = jobs.result(job.jobId(), true);
            long t4 = System.nanoTime();
            if (i >= 2) {
                submit.add((t1 - t0) / 1e6);
                status.add((t2 - t1) / 1e6);
                total.add((t4 - t0) / 1e6);
                download.add((t4 - t3) / 1e6);
            }
            if (r.download() == null) {
                throw new IllegalStateException("no download");
            }
        }
        print("submit (validate + ledger + POST + ledger)", submit);
        print("status (GET + ledger)", status);
        print("result with download (~75 KB MP4, sha256, ledger)", download);
        print("whole job on mock speed x1000 (3 s clip = 66.4 s fal time -> 66 ms simulated)", total);
    }

    private static void print(String what, List<Double> ms) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        double median = s.get(s.size() / 2);
        double p90 = s.get((int) Math.min(s.size() - 1, Math.round(s.size() * 0.9)));
        System.out.println(
                String.format(Locale.ROOT, "%-80s n=%3d median %8.2f ms  p90 %8.2f ms", what, s.size(), median, p90));
    }
}
