package dev.klingmcp.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.server.jobs.CostEstimate;
import dev.klingmcp.server.jobs.JobError;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.ledger.JdbcJobLedger;
import dev.klingmcp.server.ledger.JobLedger;
import dev.klingmcp.server.ledger.JobRecord;
import dev.klingmcp.testing.postgres.TestPostgres;
import io.modelcontextprotocol.spec.McpSchema.SubscribeRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Benchmark, not a test (P5): a ledger of 10,000 jobs, 1,000 of them unfinished (real requests queued at mock-fal,
 * whose clock stands still so they stay unfinished) and followed by the server (every one subscribed to over MCP). The
 * server is a child JVM with {@code -Xmx256m} (plus the launcher's flags); the benchmark calls {@code list_jobs} through
 * the MCP Java SDK client over stdio, cycling through the filters the tool offers, and reports p50/p99 per variant and
 * overall, the server's heap in use after a full GC ({@code jcmd}), its peak RSS, and that it is still alive.
 *
 * <p>Arguments: {@code [jobs (10000)] [unfinished (1000)] [list_jobs calls (1000)]}. The ledger is a SQLite file;
 * {@code LEDGER=postgresql} uses a database on the embedded PostgreSQL of the tests (127.0.0.1, fsync off), and
 * {@code LEDGER_URL} any ledger URL the server accepts. The rows are written through the server's own ledger class.
 */
public final class LedgerScaleBench {

    private static final String KEY = "bench-id:bench-secret";
    private static final String STANDARD = "fal-ai/kling-video/o3/standard/image-to-video";
    private static final String PRO = "fal-ai/kling-video/o3/pro/reference-to-video";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LedgerScaleBench() {}

    public static void main(String[] args) {
        // Exits explicitly: the SDK client's and the mock's threads must not keep a failed run alive.
        try {
            measure(args);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void measure(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int unfinished = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        Path work = Files.createTempDirectory("kling-p5-");
        String ledgerUrl = "postgresql".equals(System.getenv("LEDGER"))
                ? TestPostgres.shared().newDatabase()
                : System.getenv().getOrDefault("LEDGER_URL", "jdbc:sqlite:" + work.resolve("jobs.db"));
        try (MockFal mock = MockFal.start(new MockFalOptions()
                .setManualClock(true)
                .setLogRequests(false)
                .setStorageDir(work.resolve("mock"))
                .addApiKey(KEY))) {
            long t0 = System.nanoTime();
            List<JsonNode> queued = submitAtMock(mock, unfinished);
            List<String> followed;
            SteppingClock clock = new SteppingClock(Instant.now());
            try (JobLedger ledger = openLedger(ledgerUrl, clock)) {
                followed = seed(ledger, clock, total, queued, mock.baseUrl());
            }
            settle(ledgerUrl);
            System.out.printf(
                    Locale.ROOT,
                    "P5 scale: %d jobs (%d unfinished) seeded into %s in %.1f s; load average %s%n",
                    total,
                    unfinished,
                    ledgerUrl.replaceAll("password=[^&]*", "password=…"),
                    (System.nanoTime() - t0) / 1e9,
                    StreamingBench.loadAverage());
            // The launcher's JVM flags (SerialGC; C2 kept) plus the heap cap under test.
            List<String> flags = new ArrayList<>(List.of("-XX:+UseSerialGC", "-Xmx256m"));
            String extra = System.getenv("SERVER_JAVA_OPTS");
            if (extra != null && !extra.isBlank()) {
                flags.addAll(List.of(extra.trim().split("\\s+")));
            }
            Map<String, String> env = Map.of(
                    "FAL_KEY",
                    KEY,
                    "KLING_MCP_FAL_BASE_URL",
                    mock.baseUrl(),
                    "KLING_MCP_LEDGER_URL",
                    ledgerUrl,
                    "KLING_MCP_OUTPUT_DIR",
                    work.resolve("out").toString());
            try (ChildServer server = ChildServer.start(flags, env, work.resolve("home"))) {
                System.out.printf(Locale.ROOT, "server flags %s, RSS after start %d MiB%n", flags, rss(server));
                for (String id : followed) {
                    server.client()
                            .subscribeResource(SubscribeRequest.builder("kling://jobs/" + id)
                                    .build());
                }
                Thread.sleep(10_000); // the followers take their first turns on the status streams
                long streamsBefore = statusStreams(mock);
                System.out.printf(
                        Locale.ROOT,
                        "%d jobs subscribed; %d status streams opened at the mock so far; RSS %d MiB%n",
                        followed.size(),
                        streamsBefore,
                        rss(server));
                System.out.printf(
                        Locale.ROOT, "load average before the list_jobs calls: %s%n", StreamingBench.loadAverage());
                List<Double> all = listJobs(server, calls);
                Thread.sleep(5_000);
                long streamsAfter = statusStreams(mock);
                long heap = server.heapUsedAfterGcKiB();
                System.out.printf(
                        Locale.ROOT,
                        "server alive: %s; heap used after full GC: %.1f MiB (max 256 MiB); RSS now %d MiB, peak"
                                + " (VmHWM) %d MiB; threads %d; status streams opened meanwhile: %d (distinct jobs"
                                + " streamed so far: %d of %d; followed upstream at all, stream or status read: %d);"
                                + " load average %s%n",
                        server.alive(),
                        heap / 1024.0,
                        rss(server),
                        server.statusKiB("VmHWM") >> 10,
                        server.statusKiB("Threads"),
                        streamsAfter - streamsBefore,
                        distinctStreamed(mock),
                        followed.size(),
                        distinctFollowed(mock),
                        StreamingBench.loadAverage());
                System.out.println("mock queue calls by kind: " + mock.control().queueCalls());
                System.out.printf(
                        Locale.ROOT,
                        "RESULT {\"bench\":\"p5-scale\",\"ledger\":\"%s\",\"jobs\":%d,\"unfinished\":%d,"
                                + "\"calls\":%d,\"list_jobs_p50_ms\":%.1f,\"list_jobs_p99_ms\":%.1f,"
                                + "\"heap_after_gc_mib\":%.1f,\"alive\":%s,\"load_average\":\"%s\"}%n",
                        ledgerUrl.startsWith("jdbc:postgresql:") ? "postgresql" : "sqlite",
                        total,
                        unfinished,
                        calls,
                        percentile(all, 50),
                        percentile(all, 99),
                        heap / 1024.0,
                        server.alive(),
                        StreamingBench.loadAverage());
            }
        } finally {
            StreamingBench.deleteTree(work);
        }
    }

    /**
     * PostgreSQL: brings the freshly seeded tables to the state autovacuum gives them about a minute later (statistics
     * for the planner, the visibility map that lets the totals read the covering index alone). Without it the run
     * measured whichever state autovacuum happened to reach first, and varied by 2x between runs.
     */
    private static void settle(String ledgerUrl) throws Exception {
        if (!ledgerUrl.startsWith("jdbc:postgresql:")) {
            return;
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(ledgerUrl);
                java.sql.Statement s = c.createStatement()) {
            s.execute("VACUUM (ANALYZE) jobs");
            s.execute("VACUUM (ANALYZE) job_states");
        }
    }

    /** The server's own ledger for {@code url} (SQLite or PostgreSQL), on the seeding clock. */
    static JobLedger openLedger(String url, Clock clock) {
        return JdbcJobLedger.open(url, clock);
    }

    private static long rss(ChildServer server) {
        return server.statusKiB("VmRSS") >> 10;
    }

    /** Submits {@code n} jobs to the mock (clock stopped: they stay queued); fal's submit answers. */
    private static List<JsonNode> submitAtMock(MockFal mock, int n) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String body = JSON.writeValueAsString(input(i));
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(mock.baseUrl() + "/" + STANDARD))
                            .header("Authorization", "Key " + KEY)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("mock submit answered " + r.statusCode() + ": " + r.body());
            }
            out.add(JSON.readTree(r.body()));
        }
        return out;
    }

    private static Map<String, Object> input(int i) {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("prompt", "job " + i + ": a paper boat drifting on a calm lake at dawn, soft mist, slow camera pan");
        in.put("image_url", "https://example.invalid/start-" + i + ".png");
        in.put("duration", "5");
        return in;
    }

    /**
     * Writes {@code total} rows through the ledger's own API, oldest first over the last 30 days: the unfinished ones
     * (the newest, as in real use) carry the mock's request ids; the rest finished (80 % succeeded with a video, 15 %
     * failed, 5 % cancelled), two models. Returns the public ids of the unfinished rows.
     */
    private static List<String> seed(
            JobLedger ledger, SteppingClock clock, int total, List<JsonNode> queued, String mockUrl) throws Exception {
        Instant start = Instant.now().minus(Duration.ofDays(30));
        Duration step = Duration.ofDays(30).dividedBy(total);
        List<String> followed = new ArrayList<>();
        int firstUnfinished = total - queued.size();
        for (int i = 0; i < total; i++) {
            clock.set(start.plus(step.multipliedBy(i)));
            boolean pro = i % 3 == 0;
            String model = pro ? PRO : STANDARD;
            double usd = pro ? 1.12 : 0.42;
            String estimate = JSON.writeValueAsString(
                    new CostEstimate(usd, 5, false, usd / 5, "5 s × $" + usd / 5 + "/s (bench)", "default"));
            JobRecord row = insert(ledger, model, i, estimate, usd);
            if (i >= firstUnfinished) {
                JsonNode fal = queued.get(i - firstUnfinished);
                boolean running = i % 2 == 1;
                ledger.update(
                        row.localId(),
                        b -> b.requestId(fal.path("request_id").asText())
                                .urls(
                                        fal.path("status_url").asText(),
                                        fal.path("response_url").asText(),
                                        fal.path("cancel_url").asText())
                                .state(running ? JobState.RUNNING : JobState.QUEUED)
                                .falStatus(running ? "IN_PROGRESS" : "IN_QUEUE"),
                        "fal accepted the submit");
                followed.add(fal.path("request_id").asText());
                continue;
            }
            String requestId = UUID.randomUUID().toString();
            int kind = i % 20;
            JobState end = kind < 16 ? JobState.SUCCEEDED : kind < 19 ? JobState.FAILED : JobState.CANCELLED;
            String result = end != JobState.SUCCEEDED
                    ? null
                    : JSON.writeValueAsString(Map.of(
                            "video",
                            Map.of(
                                    "url",
                                    mockUrl + "/cdn/videos/5s-16x9/output.mp4?job=" + i,
                                    "content_type",
                                    "video/mp4",
                                    "file_name",
                                    "output.mp4",
                                    "file_size",
                                    812_345)));
            String error = end != JobState.FAILED
                    ? null
                    : JSON.writeValueAsString(
                            new JobError("the image could not be downloaded", "image_load_error", 422, null));
            ledger.update(
                    row.localId(),
                    b -> b.requestId(requestId)
                            .urls(
                                    mockUrl + "/" + model + "/requests/" + requestId + "/status",
                                    mockUrl + "/" + model + "/requests/" + requestId,
                                    mockUrl + "/" + model + "/requests/" + requestId + "/cancel")
                            .state(end)
                            .falStatus("COMPLETED")
                            .result(result)
                            .error(error)
                            .inferenceSeconds(end == JobState.SUCCEEDED ? 97.5 : null),
                    "finished");
        }
        return followed;
    }

    private static JobRecord insert(JobLedger ledger, String model, int i, String estimate, double usd)
            throws Exception {
        return ledger.insert(
                JobRecord.submitting("local-" + UUID.randomUUID(), model, JSON.writeValueAsString(input(i)))
                        .estimate(estimate, usd),
                "ledger write before submit");
    }

    /** list_jobs through MCP, cycling through filter variants; prints p50/p99 per variant and overall. */
    private static List<Double> listJobs(ChildServer server, int calls) {
        String week = Instant.now().minus(Duration.ofDays(7)).toString();
        String day20 = java.time.LocalDate.now(ZoneOffset.UTC).minusDays(20).toString();
        Map<String, Map<String, Object>> variants = new LinkedHashMap<>();
        variants.put("default (newest 20)", Map.of());
        variants.put("limit 200", Map.of("limit", 200));
        variants.put("status RUNNING", Map.of("status", "RUNNING"));
        variants.put("status [QUEUED,RUNNING] limit 200", Map.of("status", List.of("QUEUED", "RUNNING"), "limit", 200));
        variants.put("status SUCCEEDED limit 50", Map.of("status", "SUCCEEDED", "limit", 50));
        variants.put("model o3/pro/reference-to-video", Map.of("model", "o3/pro/reference-to-video"));
        variants.put("since 7 days", Map.of("since", week));
        variants.put("since date + FAILED limit 100", Map.of("since", day20, "status", "FAILED", "limit", 100));
        List<String> names = new ArrayList<>(variants.keySet());
        for (int i = 0; i < 40; i++) { // warm-up
            server.call("list_jobs", variants.get(names.get(i % names.size())));
        }
        Map<String, List<Double>> times = new LinkedHashMap<>();
        names.forEach(n -> times.put(n, new ArrayList<>()));
        List<Double> all = new ArrayList<>();
        int totalCount = -1;
        for (int i = 0; i < calls; i++) {
            String name = names.get(i % names.size());
            long start = System.nanoTime();
            JsonNode answer = server.call("list_jobs", variants.get(name));
            double ms = (System.nanoTime() - start) / 1e6;
            times.get(name).add(ms);
            all.add(ms);
            if (name.startsWith("default")) {
                totalCount = answer.at("/totals/count").asInt();
            }
        }
        System.out.printf(Locale.ROOT, "list_jobs, %d calls (totals.count unfiltered = %d):%n", calls, totalCount);
        for (String name : names) {
            System.out.printf(
                    Locale.ROOT,
                    "  %-36s p50 %6.1f ms  p99 %6.1f ms  (n=%d)%n",
                    name,
                    percentile(times.get(name), 50),
                    percentile(times.get(name), 99),
                    times.get(name).size());
        }
        System.out.printf(
                Locale.ROOT, "  %-36s p50 %6.1f ms  p99 %6.1f ms%n", "ALL", percentile(all, 50), percentile(all, 99));
        walkAllPages(server, totalCount);
        return all;
    }

    /**
     * Every job once, through {@code next_cursor} in pages of 200 (not part of ALL above, which stays comparable with
     * earlier runs): the page times, and whether the walk saw each job exactly once.
     */
    private static void walkAllPages(ChildServer server, int expected) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<Double> times = new ArrayList<>();
        int listed = 0;
        String cursor = null;
        do {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("limit", 200);
            if (cursor != null) {
                args.put("cursor", cursor);
            }
            long start = System.nanoTime();
            JsonNode answer = server.call("list_jobs", args);
            times.add((System.nanoTime() - start) / 1e6);
            for (JsonNode j : answer.path("jobs")) {
                seen.add(j.path("local_id").asText());
                listed++;
            }
            cursor = answer.path("next_cursor").asText(null);
        } while (cursor != null && times.size() <= expected / 200 + 2);
        System.out.printf(
                Locale.ROOT,
                "  walk with next_cursor, pages of 200: %d pages, %d jobs listed, %d distinct (expected %d):"
                        + " %s; per page p50 %.1f ms, p99 %.1f ms%n",
                times.size(),
                listed,
                seen.size(),
                expected,
                listed == expected && seen.size() == expected ? "each once" : "MISMATCH",
                percentile(times, 50),
                percentile(times, 99));
    }

    /** Status streams the mock has opened so far (its own call counters, not the bounded request log). */
    private static long statusStreams(MockFal mock) {
        return mock.control().queueCalls().getOrDefault("STREAM", 0L);
    }

    /** Jobs that saw at least one status stream (from the request log: 10,000 entries, enough for these runs). */
    private static long distinctStreamed(MockFal mock) {
        return mock.control().requests().stream()
                .filter(r -> r.path().endsWith("/status/stream"))
                .map(r -> r.path())
                .distinct()
                .count();
    }

    /**
     * Jobs fal was asked about at all, on a stream or by a status read (the followers read the jobs beyond their
     * stream budget in turns).
     */
    private static long distinctFollowed(MockFal mock) {
        return mock.control().requests().stream()
                .filter(r -> "stream".equals(r.call()) || "status".equals(r.call()))
                .map(r -> r.requestId())
                .distinct()
                .count();
    }

    static double percentile(List<Double> values, int p) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, index))];
    }

    /** A clock the seeding moves by hand, so created_at spreads over weeks. */
    private static final class SteppingClock extends Clock {
        private volatile Instant now;

        SteppingClock(Instant start) {
            this.now = start;
        }

        void set(Instant instant) {
            this.now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
