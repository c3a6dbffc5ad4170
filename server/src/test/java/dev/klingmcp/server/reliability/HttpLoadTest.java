package dev.klingmcp.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.config.FalKey;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.config.ServerConfigLoader;
import dev.klingmcp.server.fal.impl.HttpFalGateway;
import dev.klingmcp.server.jobs.SubmitCommand;
import dev.klingmcp.server.jobs.impl.DefaultJobService;
import dev.klingmcp.server.ledger.SqliteJobLedger;
import dev.klingmcp.server.mcp.KlingMcpServer;
import dev.klingmcp.server.transport.StreamableHttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 Streamable HTTP sessions × 50 mixed tool calls on loopback against the real job service and mock-fal (bounded:
 * 16 clients at a time, every request with a timeout): every call answered, none a transport failure.
 */
@Timeout(900)
class HttpLoadTest {

    static final int SESSIONS = 200;
    static final int CALLS = 50;
    private static final String KEY = "load-test-id:load-test-secret-55";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void twoHundredSessionsOfFiftyCallsAreAllAnswered() throws Exception {
        MockFal mock = MockFal.start(new MockFalOptions()
                .setManualClock(true)
                .setLogRequests(false)
                .setStorageDir(Files.createDirectories(dir.resolve("mock-storage")))
                .addApiKey(KEY));
        ServerConfig config = new ServerConfigLoader()
                .env(Map.of())
                .workingDir(dir)
                .home(dir)
                .load()
                .withFalBaseUrl(URI.create(mock.baseUrl()))
                .withFalKey(FalKey.of(KEY))
                .withLedgerUrl("jdbc:sqlite:" + dir.resolve("jobs.db"))
                .withOutputDir(dir.resolve("videos"))
                .withUploadRoots(List.of(dir));
        DefaultJobService jobs = new DefaultJobService(
                config,
                SqliteJobLedger.open(config.ledgerUrl(), Clock.systemUTC()),
                new HttpFalGateway(config),
                FalEndpoints.load(),
                Clock.systemUTC());
        StreamableHttpServer http = StreamableHttpServer.create(0);
        KlingMcpServer server = KlingMcpServer.start(http.transport(), jobs, t -> t.replace(KEY, "***"), "load");
        http.start();
        String jobId = jobs.submit(
                        SubmitCommand.of(
                                FalEndpoints.load().require("o3/standard/image-to-video"),
                                (com.fasterxml.jackson.databind.node.ObjectNode)
                                        JSON.readTree(
                                                "{\"prompt\":\"load\",\"image_url\":\"https://example.com/a.png\",\"duration\":\"3\"}")))
                .job()
                .jobId();
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        long rssBefore = ReliabilityReport.rssBytes();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int s = 0; s < SESSIONS; s++) {
                int session = s;
                all.add(pool.submit(() -> {
                    runSession(client, http.url(), session, jobId, latencies, failures, answered);
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
            server.close();
            http.close();
            jobs.close();
            mock.close();
        }
        long seconds = Math.max(1, (System.nanoTime() - t0) / 1_000_000_000L);
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        long p50 = sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
        long p99 = sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100));
        long max = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1);
        ReliabilityReport.section(
                "load",
                "## Load (Streamable HTTP)\n\nCommand: `mvn -B -pl server -am test -Dtest=HttpLoadTest"
                        + " -Dsurefire.failIfNoSpecifiedTests=false` (loopback, 16 clients at a time)\n\n"
                        + "| measure | value |\n|---|---|\n"
                        + "| sessions × calls | " + SESSIONS + " × " + CALLS + " |\n"
                        + "| answered | " + answered.get() + " |\n"
                        + "| failures (transport or JSON-RPC error) | " + failures.get() + " |\n"
                        + "| latency p50 / p99 / max | " + p50 + " / " + p99 + " / " + max + " ms |\n"
                        + "| wall time | " + seconds + " s (" + (answered.get() / seconds) + " calls/s) |\n"
                        + "| test JVM RSS before / after | " + (rssBefore >> 20) + " / "
                        + (ReliabilityReport.rssBytes() >> 20) + " MiB |\n");
        assertThat(failures.get()).isZero();
        assertThat(answered.get()).isEqualTo(SESSIONS * CALLS);
    }

    private static void runSession(
            HttpClient client,
            String url,
            int session,
            String jobId,
            List<Long> latencies,
            AtomicInteger failures,
            AtomicInteger answered)
            throws Exception {
        HttpResponse<String> init = client.send(
                post(
                        url,
                        null,
                        "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"load\",\"version\":\"0\"}}}"),
                HttpResponse.BodyHandlers.ofString());
        String id = init.headers().firstValue("mcp-session-id").orElse(null);
        if (init.statusCode() != 200 || id == null) {
            failures.addAndGet(CALLS);
            return;
        }
        client.send(
                post(url, id, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                HttpResponse.BodyHandlers.discarding());
        for (int c = 1; c <= CALLS; c++) {
            String body =
                    switch ((session + c) % 6) {
                        case 0 -> call(c, "list_jobs", "{\"limit\":5}");
                        case 1 -> call(c, "status", "{\"job_id\":\"" + jobId + "\"}");
                        case 2 -> call(
                                c,
                                "generate",
                                "{\"model\":\"o3/standard/image-to-video\",\"prompt\":\"s" + session + "\","
                                        + "\"image_url\":\"https://example.com/a.png\",\"dry_run\":true}");
                        case 3 -> call(c, "result", "{\"job_id\":\"" + jobId + "\"}");
                        case 4 -> call(c, "describe_models", "{\"model\":\"o3/pro/reference-to-video\"}");
                        default -> "{\"jsonrpc\":\"2.0\",\"id\":" + c + ",\"method\":\"tools/list\"}";
                    };
            long t0 = System.nanoTime();
            try {
                HttpResponse<String> r = client.send(post(url, id, body), HttpResponse.BodyHandlers.ofString());
                latencies.add((System.nanoTime() - t0) / 1_000_000);
                JsonNode answer = parse(r.body());
                if (r.statusCode() == 200 && answer != null && answer.has("result")) {
                    answered.incrementAndGet();
                } else {
                    failures.incrementAndGet();
                }
            } catch (java.io.IOException e) {
                failures.incrementAndGet();
            }
        }
        client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Mcp-Session-Id", id)
                        .timeout(Duration.ofSeconds(30))
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private static String call(int id, String tool, String args) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + args + "}}";
    }

    private static HttpRequest post(String url, String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return b.build();
    }

    /** The JSON-RPC answer in a plain JSON body or in the last {@code data:} line of an SSE body. */
    private static JsonNode parse(String body) {
        try {
            String text = body.strip();
            if (text.startsWith("{")) {
                return JSON.readTree(text);
            }
            JsonNode last = null;
            for (String line : text.split("\n")) {
                if (line.startsWith("data:")) {
                    JsonNode n = JSON.readTree(line.substring(5).strip());
                    if (n.has("id")) {
                        last = n;
                    }
                }
            }
            return last;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
