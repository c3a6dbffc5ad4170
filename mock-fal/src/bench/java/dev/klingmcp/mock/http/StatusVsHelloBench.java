package dev.klingmcp.mock.http;

import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark, not a test: mock-fal's status route against a Vert.x hello-world route served by the same JVM, both loaded
 * by the same wrk command in alternation (so a shared machine's load drift weighs on both alike). The ratio says how
 * much of plain Vert.x's capacity the status path (routing, fault injector, key check, engine under its lock, JSON
 * rendering) keeps. Run: {@code bench/run status-vs-hello [runs seconds connections threads]}; needs wrk on PATH.
 */
public final class StatusVsHelloBench {

    private static final Pattern REQUEST_ID = Pattern.compile("\"request_id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P50 = Pattern.compile("\\s50%\\s+(\\S+)");
    private static final Pattern P99 = Pattern.compile("\\s99%\\s+(\\S+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");

    private StatusVsHelloBench() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        String key = "bench-key";
        MockFal fal = MockFal.start(new MockFalOptions()
                .setHost("127.0.0.1")
                .setPort(0)
                .setManualClock(true)
                .setLogRequests(false)
                .addApiKey(key));
        // Same defaults as the mock's own Vert.x instance (event loops = 2 x cores), one route, a constant body.
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.get("/hello")
                .handler(ctx ->
                        ctx.response().putHeader("content-type", "text/plain").end("Hello, World!"));
        HttpServer hello = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        try {
            String statusUrl = holdOneJobInProgress(fal, key);
            String helloUrl = "http://127.0.0.1:" + hello.actualPort() + "/hello";
            System.out.printf(
                    Locale.ROOT,
                    "machine: %d cores, load %s, %s %s%nwrk -t%d -c%d -d%ds, %d runs each, alternating "
                            + "(one warm-up run each, not counted)%n",
                    Runtime.getRuntime().availableProcessors(),
                    loadAverage(),
                    System.getProperty("java.vm.name"),
                    System.getProperty("java.version"),
                    threads,
                    connections,
                    seconds,
                    runs);
            String[] common = {"-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency"};
            wrk(common, helloUrl, null);
            wrk(common, statusUrl, key);
            List<Double> status = new ArrayList<>();
            List<Double> helloRps = new ArrayList<>();
            for (int i = 1; i <= runs; i++) {
                helloRps.add(report("hello  run " + i, wrk(common, helloUrl, null)));
                status.add(report("status run " + i, wrk(common, statusUrl, key)));
            }
            double s = median(status);
            double h = median(helloRps);
            System.out.printf(
                    Locale.ROOT,
                    "median req/s: status %.0f, hello-world %.0f, ratio %.2f; load at the end %s%n",
                    s,
                    h,
                    s / h,
                    loadAverage());
        } finally {
            hello.close();
            vertx.close();
            fal.close();
        }
    }

    /** Submits one pro job and moves the manual clock into its run, so every status answer is the same 202. */
    private static String holdOneJobInProgress(MockFal fal, String key) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> submitted = http.send(
                HttpRequest.newBuilder(URI.create(fal.baseUrl() + "/fal-ai/kling-video/o3/pro/reference-to-video"))
                        .header("Authorization", "Key " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"bench\",\"duration\":\"5\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher id = REQUEST_ID.matcher(submitted.body());
        if (!id.find()) {
            throw new IllegalStateException("submit answered " + submitted.statusCode() + ": " + submitted.body());
        }
        fal.control().advanceClock(Duration.ofSeconds(270));
        String url = fal.baseUrl() + "/fal-ai/kling-video/requests/" + id.group(1) + "/status?logs=1";
        HttpResponse<String> status = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Key " + key)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.printf(
                Locale.ROOT,
                "status: %d, %d bytes%n",
                status.statusCode(),
                status.body().getBytes(StandardCharsets.UTF_8).length);
        return url;
    }

    private static String wrk(String[] common, String url, String key) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("wrk"));
        Collections.addAll(cmd, common);
        if (key != null) {
            cmd.add("-H");
            cmd.add("Authorization: Key " + key);
        }
        cmd.add(url);
        Process wrk = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(wrk.getInputStream(), StandardCharsets.UTF_8))) {
            reader.lines().forEach(line -> out.append(line).append('\n'));
        }
        if (!wrk.waitFor(120, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
            throw new IllegalStateException("wrk failed:\n" + out);
        }
        return out.toString();
    }

    private static double report(String label, String out) {
        double rps = Double.parseDouble(find(RPS, out, "0"));
        String non2xx = find(NON_2XX, out, null);
        System.out.printf(
                Locale.ROOT,
                "%s: %.0f req/s, p50 %s, p99 %s%s%n",
                label,
                rps,
                find(P50, out, "?"),
                find(P99, out, "?"),
                non2xx == null ? "" : ", non-2xx " + non2xx);
        return rps;
    }

    private static String find(Pattern pattern, String text, String otherwise) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : otherwise;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String loadAverage() {
        return String.format(
                Locale.ROOT,
                "%.1f",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
    }
}
