package dev.klingmcp.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Benchmark, not a test (P6): a 1 GiB {@code upload} and a 1 GiB {@code result} download through the MCP server, against
 * a raw loopback copy of the same bytes with curl to and from the same mock, alternating in each round. Reports each
 * transfer's throughput, the ratio to curl, the server process's peak RSS growth during the call (sampled from
 * {@code /proc} every 5 ms, over the RSS just before the call), and the CPU time per GiB of the server during the call
 * and of curl (user + system, from {@code /proc}): on a shared machine the throughput swings with the load, the CPU
 * spent per byte much less.
 *
 * <p>The server is a child JVM (stdio, MCP Java SDK client), started with the launcher's flags unless
 * {@code SERVER_JAVA_OPTS} says otherwise; mock-fal runs in this JVM with its output videos padded to the file size
 * (sparse). Everything lives in one temporary folder, deleted at the end; the run refuses to start without room for
 * four copies of the file.
 *
 * <p>Arguments: {@code [MiB (1024, at most 1024: the mock's storage limit)] [rounds (3)]}.
 */
public final class StreamingBench {

    private static final String KEY = "bench-id:bench-secret";

    private StreamingBench() {}

    public static void main(String[] args) throws Exception {
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
        long mib = args.length > 0 ? Math.min(1024, Long.parseLong(args[0])) : 1024;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long size = mib << 20;
        List<String> flags = serverFlags();
        Path work = Files.createTempDirectory("kling-p6-");
        try {
            FileStore store = Files.getFileStore(work);
            if (store.getUsableSpace() < 4 * size + (1L << 30)) {
                throw new IllegalStateException("not enough free space in " + work + " for 4 × " + mib + " MiB");
            }
            Path source = Files.createDirectories(work.resolve("uploads")).resolve("source.mp4");
            writeSource(source, size);
            System.out.printf(
                    Locale.ROOT,
                    "P6 streaming: %d MiB, %d rounds, server flags %s, load average %s%n",
                    mib,
                    rounds,
                    flags,
                    loadAverage());
            try (MockFal mock = MockFal.start(new MockFalOptions()
                    .setSpeed(1000)
                    .setLogRequests(false)
                    .setStorageDir(work.resolve("mock"))
                    .setOutputVideoBytes(size)
                    .addApiKey(KEY))) {
                Map<String, String> env = Map.of(
                        "FAL_KEY", KEY,
                        "KLING_MCP_FAL_BASE_URL", mock.baseUrl(),
                        "KLING_MCP_FAL_TIME_SCALE", "1000",
                        "KLING_MCP_LEDGER_URL", "jdbc:sqlite:" + work.resolve("jobs.db"),
                        "KLING_MCP_OUTPUT_DIR", work.resolve("out").toString(),
                        "KLING_MCP_UPLOAD_ROOTS", work.resolve("uploads").toString(),
                        "KLING_MCP_UPLOAD_MAX_BYTES", Long.toString(size));
                try (ChildServer server = ChildServer.start(flags, env, work.resolve("home"))) {
                    run(server, mock, work, source, size, rounds);
                }
            }
        } finally {
            deleteTree(work);
        }
    }

    private static void run(ChildServer server, MockFal mock, Path work, Path source, long size, int rounds)
            throws Exception {
        // Warm-up, not counted: the upload code path once with a small file, the download path once with the mock's
        // one output size (class loading, JIT: until C2 compiles it, SHA-256 runs without its CPU instructions).
        Path small = work.resolve("uploads/warm.mp4");
        Files.write(small, new byte[1 << 20]);
        server.call("upload", Map.of("path", small.toString()));
        Files.delete(small);
        server.call("result", Map.of("job_id", finishedJob(server), "download", true));
        clearOutputs(work);
        System.out.printf(Locale.ROOT, "server RSS after start + warm-up: %d MiB%n", server.statusKiB("VmRSS") >> 10);

        // {server MiB/s, curl MiB/s, RSS growth MiB, server CPU s per GiB, curl CPU s per GiB}
        List<double[]> up = new ArrayList<>();
        List<double[]> down = new ArrayList<>();
        // {mock CPU s per GiB serving the MCP download, serving curl's}: the sender's share of the same two cores
        List<double[]> mockCpu = new ArrayList<>();
        List<Double> urlCallMs = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            boolean curlFirst = round % 2 == 1;
            double[] curlUp = curlFirst ? curlUpload(mock, source, size) : null;
            double[] mcpUp = mcpUpload(server, source, size);
            if (!curlFirst) {
                curlUp = curlUpload(mock, source, size);
            }
            up.add(new double[] {mcpUp[0], curlUp[0], mcpUp[1], mcpUp[2], curlUp[1]});

            String jobId = finishedJob(server);
            // The same call without the download: what an MCP result call costs besides the transfer.
            long urlStart = System.nanoTime();
            String url = server.call("result", Map.of("job_id", jobId))
                    .at("/video/url")
                    .asText();
            urlCallMs.add((System.nanoTime() - urlStart) / 1e6);
            double[] curlDown = curlFirst ? curlDownload(url, work.resolve("curl.mp4"), size) : null;
            double[] mcpDown = mcpResult(server, jobId, size);
            if (!curlFirst) {
                curlDown = curlDownload(url, work.resolve("curl.mp4"), size);
            }
            down.add(new double[] {mcpDown[0], curlDown[0], mcpDown[1], mcpDown[2], curlDown[1]});
            mockCpu.add(new double[] {mcpDown[3], curlDown[2]});
            System.out.printf(
                    Locale.ROOT,
                    "round %d: upload %.0f MiB/s (curl %.0f, %.2fx, RSS +%.1f MiB, CPU s/GiB %.2f vs curl %.2f)"
                            + " | result download %.0f MiB/s (curl %.0f, %.2fx, RSS +%.1f MiB,"
                            + " CPU s/GiB %.2f vs curl %.2f)%n",
                    round,
                    mcpUp[0],
                    curlUp[0],
                    mcpUp[0] / curlUp[0],
                    mcpUp[1],
                    mcpUp[2],
                    curlUp[1],
                    mcpDown[0],
                    curlDown[0],
                    mcpDown[0] / curlDown[0],
                    mcpDown[1],
                    mcpDown[2],
                    curlDown[1]);
            mock.control().reset(); // drops the uploaded copies from the mock's storage
            clearOutputs(work);
        }
        summary("upload", up);
        summary("result download", down);
        System.out.printf(
                Locale.ROOT,
                "result download, other costs: mock-fal (this JVM) CPU per GiB median while serving MCP %.2f s, curl %.2f s;"
                        + " the same result call without download median %.1f ms%n",
                median(mockCpu.stream().mapToDouble(r -> r[0]).toArray()),
                median(mockCpu.stream().mapToDouble(r -> r[1]).toArray()),
                median(urlCallMs.stream().mapToDouble(Double::doubleValue).toArray()));
        System.out.printf(
                Locale.ROOT,
                "server peak RSS over the whole run (VmHWM): %d MiB; load average %s%n",
                server.statusKiB("VmHWM") >> 10,
                loadAverage());
    }

    private static void clearOutputs(Path work) throws IOException {
        try (Stream<Path> out = Files.list(work.resolve("out"))) {
            for (Path p : out.toList()) {
                Files.delete(p);
            }
        }
    }

    private static void summary(String what, List<double[]> rows) {
        double[] server = rows.stream().mapToDouble(r -> r[0]).toArray();
        double[] curl = rows.stream().mapToDouble(r -> r[1]).toArray();
        double[] ratio = rows.stream().mapToDouble(r -> r[0] / r[1]).toArray();
        double[] rss = rows.stream().mapToDouble(r -> r[2]).toArray();
        System.out.printf(
                Locale.ROOT,
                "%s: median %.0f MiB/s vs curl %.0f MiB/s, ratio median %.2fx; RSS growth median %.1f MiB, max %.1f MiB;"
                        + " CPU per GiB median: server %.2f s, curl %.2f s%n",
                what,
                median(server),
                median(curl),
                median(ratio),
                median(rss),
                java.util.Arrays.stream(rss).max().orElse(0),
                median(rows.stream().mapToDouble(r -> r[3]).toArray()),
                median(rows.stream().mapToDouble(r -> r[4]).toArray()));
    }

    /** {MiB/s, RSS growth MiB, server CPU s per GiB} of one {@code upload} tool call. */
    private static double[] mcpUpload(ChildServer server, Path source, long size) {
        JsonNode answer;
        long start;
        long end;
        double cpu;
        ChildServer.RssPeak rss = new ChildServer.RssPeak(server);
        try (rss) {
            cpu = server.cpuSeconds();
            start = System.nanoTime();
            answer = server.call("upload", Map.of("path", source.toString()));
            end = System.nanoTime();
            cpu = server.cpuSeconds() - cpu;
        }
        if (answer.path("size").asLong() != size) {
            throw new IllegalStateException("upload answered " + answer);
        }
        return new double[] {mibPerSecond(size, end - start), rss.growthKiB() / 1024.0, cpu / gib(size)};
    }

    /**
     * {MiB/s, RSS growth MiB, server CPU s per GiB, this JVM's (the mock's) CPU s per GiB} of one {@code result} call
     * with {@code download: true}.
     */
    private static double[] mcpResult(ChildServer server, String jobId, long size) {
        JsonNode answer;
        long start;
        long end;
        double cpu;
        double mock;
        ChildServer.RssPeak rss = new ChildServer.RssPeak(server);
        try (rss) {
            cpu = server.cpuSeconds();
            mock = ownCpu();
            start = System.nanoTime();
            answer = server.call("result", Map.of("job_id", jobId, "download", true));
            end = System.nanoTime();
            cpu = server.cpuSeconds() - cpu;
            mock = ownCpu() - mock;
        }
        JsonNode saved = answer.path("download");
        if (saved.path("size").asLong() != size || saved.path("sha256").asText().length() != 64) {
            throw new IllegalStateException("result answered " + answer);
        }
        return new double[] {
            mibPerSecond(size, end - start), rss.growthKiB() / 1024.0, cpu / gib(size), mock / gib(size)
        };
    }

    /** A job generated through MCP and waited for until SUCCEEDED (the mock runs at ×1000). */
    private static String finishedJob(ChildServer server) {
        JsonNode generated = server.call(
                "generate",
                Map.of(
                        "model", "o3/standard/image-to-video",
                        "prompt", "a paper boat drifting on a calm lake",
                        "image_url", "https://example.invalid/start.png",
                        "duration", "3"));
        String jobId = generated.path("job_id").asText();
        for (int i = 0; i < 20; i++) {
            JsonNode status = server.call("status", Map.of("job_id", jobId, "wait_seconds", 10));
            if ("SUCCEEDED".equals(status.at("/job/status").asText())) {
                return jobId;
            }
        }
        throw new IllegalStateException("job " + jobId + " did not finish");
    }

    /** {MiB/s, curl's CPU s per GiB}. */
    private static double[] curlUpload(MockFal mock, Path source, long size) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ticket = http.send(
                HttpRequest.newBuilder(URI.create(mock.baseUrl() + "/storage/upload/initiate?storage_type=fal-cdn-v3"))
                        .header("Authorization", "Key " + KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"content_type\":\"video/mp4\",\"file_name\":\"curl.mp4\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String url = ChildServer.JSON.readTree(ticket.body()).path("upload_url").asText();
        double cpu = curlCpu();
        double seconds =
                curl("-T", source.toString(), "-X", "PUT", "-H", "Content-Type: video/mp4", "-o", "/dev/null", url);
        return new double[] {(size / 1048576.0) / seconds, (curlCpu() - cpu) / gib(size)};
    }

    /** {MiB/s, curl's CPU s per GiB, this JVM's (the mock's) CPU s per GiB}. */
    private static double[] curlDownload(String url, Path target, long size) throws Exception {
        double cpu = curlCpu();
        double mock = ownCpu();
        double seconds = curl("-o", target.toString(), url);
        mock = ownCpu() - mock;
        cpu = curlCpu() - cpu;
        long got = Files.size(target);
        Files.delete(target);
        if (got != size) {
            throw new IllegalStateException("curl downloaded " + got + " bytes, expected " + size);
        }
        return new double[] {(size / 1048576.0) / seconds, cpu / gib(size), mock / gib(size)};
    }

    /** Runs curl; its own {@code time_total} in seconds (the transfer, without process start-up). */
    private static double curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail", "-w", "%{time_total}"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("curl failed: " + command + " -> " + out);
        }
        return Double.parseDouble(out.substring(out.lastIndexOf('\n') + 1).trim());
    }

    private static List<String> serverFlags() {
        String opts = System.getenv("SERVER_JAVA_OPTS");
        if (opts == null || opts.isBlank()) {
            // The launcher's (dist/src/bin/kling-mcp) flags: what a user's MCP client starts.
            return List.of("-XX:+UseSerialGC");
        }
        return List.of(opts.trim().split("\\s+"));
    }

    private static void writeSource(Path file, long size) throws IOException {
        byte[] block = new byte[1 << 20];
        new Random(42).nextBytes(block);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long i = 0; i < size >> 20; i++) {
                block[0] = (byte) i; // no two blocks alike
                block[1] = (byte) (i >> 8);
                out.write(block);
            }
        }
    }

    /** CPU seconds of this JVM's finished children: the curl runs (the server child is only reaped at the end). */
    private static double curlCpu() {
        return ChildServer.cpuSeconds(Path.of("/proc/self/stat"), true);
    }

    /** CPU seconds of this JVM (mock-fal's threads, plus the MCP client's and the RSS sampler's, which are small). */
    private static double ownCpu() {
        return ChildServer.cpuSeconds(Path.of("/proc/self/stat"), false);
    }

    private static double gib(long bytes) {
        return bytes / (double) (1L << 30);
    }

    private static double mibPerSecond(long bytes, long nanos) {
        return (bytes / 1048576.0) / (nanos / 1e9);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ", -1);
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
