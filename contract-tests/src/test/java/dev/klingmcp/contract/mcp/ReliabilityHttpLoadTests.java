package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.testing.report.ReliabilityReport;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@value #SESSIONS} Streamable HTTP sessions, all open at once, × {@value #CALLS} mixed calls each against the real
 * server process ({@code serve --http}) and mock-fal, on loopback: {@value #CLIENTS} client threads at a time, every
 * request with a timeout. Every call must be answered with a JSON-RPC result: no closed connection, no HTTP error.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ReliabilityHttpLoadTests {

    static final int SESSIONS = 200;

    static final int CALLS = 50;

    static final int CLIENTS = 32;

    private static final String MODEL = "o3/standard/image-to-video";

    @TempDir
    Path root;

    @Test
    void twoHundredSessionsOfFiftyMixedCallsAreAllAnswered() throws Exception {
        ServerCommand.assumeServerBuilt();
        try (MockFal mock = ClockDriver.startMock();
                HttpServerProcess server = HttpServerProcess.start(
                        ServerSetup.under(root, mock.baseUrl(), SecretScan.FAL_KEY), root.resolve("stderr.log"))) {
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            String jobId = setupJob(client, server.url());
            long rssBefore = ReliabilityReport.rssBytes(server.pid());

            List<String> sessions = Collections.synchronizedList(new ArrayList<>());
            Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger answered = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            long t0 = System.nanoTime();
            try {
                List<Future<?>> opened = new ArrayList<>();
                for (int s = 0; s < SESSIONS; s++) {
                    opened.add(pool.submit(() -> {
                        String id = initialize(client, server.url(), failures);
                        if (id != null) {
                            sessions.add(id);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : opened) {
                    f.get(5, TimeUnit.MINUTES);
                }
                List<Future<?>> all = new ArrayList<>();
                for (int c = 1; c <= CALLS; c++) {
                    for (int s = 0; s < sessions.size(); s++) {
                        String session = sessions.get(s);
                        String body = mixedCall(s, c, jobId);
                        all.add(pool.submit(() -> {
                            long start = System.nanoTime();
                            String failure = send(client, server.url(), session, body);
                            latencies.add((System.nanoTime() - start) / 1_000_000);
                            if (failure == null) {
                                answered.incrementAndGet();
                            } else {
                                failures.computeIfAbsent(failure, k -> new AtomicInteger())
                                        .incrementAndGet();
                            }
                            return null;
                        }));
                    }
                }
                for (Future<?> f : all) {
                    f.get(5, TimeUnit.MINUTES);
                }
                for (String session : sessions) {
                    client.send(JsonRpcOverHttp.delete(server.url(), session), HttpResponse.BodyHandlers.discarding());
                }
            } finally {
                pool.shutdownNow();
            }
            long millis = Math.max(1, (System.nanoTime() - t0) / 1_000_000);
            long rssAfter = ReliabilityReport.rssBytes(server.pid());
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            Map<String, Integer> errors = new TreeMap<>();
            failures.forEach((k, v) -> errors.put(k, v.get()));
            String md = "## Load (Streamable HTTP, separate server process)\n\n"
                    + "Command: `mvn -B verify -pl contract-tests -am -Dtest=ReliabilityHttpLoadTests"
                    + " -Dsurefire.failIfNoSpecifiedTests=false`. `kling-mcp serve --http` in its own JVM (-Xmx256m)"
                    + " against mock-fal on loopback; " + SESSIONS + " sessions opened first and all held open, then "
                    + CALLS + " calls each, mixed: list_jobs, status, result, describe_models, generate dry_run,"
                    + " generate (a real submit), tools/list; " + CLIENTS + " client threads (JDK HttpClient,"
                    + " HTTP/1.1 keep-alive), 60 s timeout per request.\n\n"
                    + "| measure | value |\n|---|---|\n"
                    + "| sessions opened | " + sessions.size() + " / " + SESSIONS + " |\n"
                    + "| calls answered with a JSON-RPC result | " + answered.get() + " / " + SESSIONS * CALLS + " |\n"
                    + "| errors (closed connections, HTTP or JSON-RPC errors) | " + errors + " |\n"
                    + "| latency p50 / p99 / max | " + percentile(sorted, 50) + " / " + percentile(sorted, 99) + " / "
                    + percentile(sorted, 100) + " ms |\n"
                    + "| wall time (open + calls + close) | " + millis / 1000 + " s ("
                    + answered.get() * 1000L / millis + " calls/s) |\n"
                    + "| server RSS before / after | " + (rssBefore >> 20) + " / " + (rssAfter >> 20) + " MiB |\n";
            ReliabilityReport.section("load", md);
            System.err.println(md);
            assertThat(errors)
                    .as("failed calls by kind; server stderr:\n%s", tail(server.stderr()))
                    .isEmpty();
            assertThat(sessions).hasSize(SESSIONS);
            assertThat(answered.get()).isEqualTo(SESSIONS * CALLS);
            assertThat(SecretScan.fileHits(root)).isEmpty();
            assertThat(server.stderr()).doesNotContain(SecretScan.SECRET_PART);
        }
    }

    private static String mixedCall(int session, int c, String jobId) {
        return switch ((session + c) % 7) {
            case 0 -> JsonRpcOverHttp.toolCall(c, "list_jobs", "{\"limit\":5}");
            case 1 -> JsonRpcOverHttp.toolCall(c, "status", "{\"job_id\":\"" + jobId + "\"}");
            case 2 -> JsonRpcOverHttp.toolCall(
                    c,
                    "generate",
                    "{\"model\":\"" + MODEL + "\",\"prompt\":\"dry " + session + "\","
                            + "\"image_url\":\"https://example.com/a.png\",\"dry_run\":true}");
            case 3 -> JsonRpcOverHttp.toolCall(c, "result", "{\"job_id\":\"" + jobId + "\"}");
            case 4 -> JsonRpcOverHttp.toolCall(c, "describe_models", "{\"model\":\"o3/pro/reference-to-video\"}");
            case 5 -> JsonRpcOverHttp.toolCall(
                    c,
                    "generate",
                    "{\"model\":\"" + MODEL + "\",\"prompt\":\"load " + session + "-" + c + "\","
                            + "\"image_url\":\"https://example.com/a.png\",\"duration\":\"3\"}");
            default -> "{\"jsonrpc\":\"2.0\",\"id\":" + c + ",\"method\":\"tools/list\"}";
        };
    }

    /** One job for status/result calls to read, made in its own session that is then closed (the cap is 200). */
    private static String setupJob(HttpClient client, String url) throws Exception {
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        String session = initialize(client, url, failures);
        assertThat(session).as("%s", failures).isNotNull();
        HttpResponse<String> r = client.send(
                JsonRpcOverHttp.post(
                        url,
                        session,
                        JsonRpcOverHttp.toolCall(
                                1,
                                "generate",
                                "{\"model\":\"" + MODEL + "\",\"prompt\":\"load setup\","
                                        + "\"image_url\":\"https://example.com/a.png\",\"duration\":\"3\"}")),
                HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JsonRpcOverHttp.parse(r.body());
        String jobId = answer == null
                ? ""
                : answer.at("/result/structuredContent/job_id").asText();
        assertThat(jobId).as("%s", r.body()).isNotBlank();
        client.send(JsonRpcOverHttp.delete(url, session), HttpResponse.BodyHandlers.discarding());
        return jobId;
    }

    private static String initialize(HttpClient client, String url, Map<String, AtomicInteger> failures)
            throws InterruptedException {
        try {
            HttpResponse<String> init = client.send(
                    JsonRpcOverHttp.post(url, null, JsonRpcOverHttp.initializeBody()),
                    HttpResponse.BodyHandlers.ofString());
            String id = init.headers().firstValue("mcp-session-id").orElse(null);
            if (init.statusCode() != 200 || id == null) {
                failures.computeIfAbsent("initialize HTTP " + init.statusCode(), k -> new AtomicInteger())
                        .incrementAndGet();
                return null;
            }
            client.send(
                    JsonRpcOverHttp.post(url, id, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                    HttpResponse.BodyHandlers.discarding());
            return id;
        } catch (IOException e) {
            failures.computeIfAbsent(
                            "initialize " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                            k -> new AtomicInteger())
                    .incrementAndGet();
            return null;
        }
    }

    /** Null when answered with a JSON-RPC result, else what went wrong (the key errors are counted under). */
    private static String send(HttpClient client, String url, String session, String body) throws InterruptedException {
        try {
            HttpResponse<String> r =
                    client.send(JsonRpcOverHttp.post(url, session, body), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = JsonRpcOverHttp.parse(r.body());
            if (r.statusCode() != 200) {
                return "HTTP " + r.statusCode();
            }
            if (answer == null || !answer.has("result")) {
                return "no JSON-RPC result: " + (answer == null ? "unparsable body" : answer.path("error"));
            }
            JsonNode result = answer.get("result");
            if (result.path("isError").asBoolean(false)) {
                return "tool error "
                        + result.at("/structuredContent/error/code").asText();
            }
            return null;
        } catch (IOException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) ((long) sorted.size() * p / 100)));
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }
}
