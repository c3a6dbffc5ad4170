package dev.klingmcp.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.testing.postgres.TestPostgres;
import io.modelcontextprotocol.spec.McpSchema.SubscribeRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
            List<String> followed = SeededLedger.write(
                    ledgerUrl, total, SeededLedger.submitAtMock(mock, KEY, unfinished), mock.baseUrl());
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

    private static long rss(ChildServer server) {
        return server.statusKiB("VmRSS") >> 10;
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
}
