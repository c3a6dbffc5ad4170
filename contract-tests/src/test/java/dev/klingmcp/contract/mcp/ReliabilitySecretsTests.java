package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.mock.queue.JobStatus;
import dev.klingmcp.testing.report.ReliabilityReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A distinctive fal key ({@link SecretScan#FAL_KEY}) must appear nowhere but in the requests to fal: not in any tool
 * result or notification (errors included), not on the server's stderr, not in any file it writes (ledger, its -wal
 * and -shm, videos), not in the command line of the server or any process it starts. Run against the real server
 * processes over the success paths (generate → progress → result with download, upload, cancel) and the failure paths:
 * faults on every fal route, bad input, and an upstream that answers 401 and ECHOES the Authorization header back in
 * its body, as a misconfigured proxy would.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReliabilitySecretsTests {

    private static final String MODEL = "o3/standard/image-to-video";

    @TempDir
    Path root;

    private final List<String> processHits = new ArrayList<>();

    private int processesChecked;

    /** Every file seen under the test root, scanned while the servers ran (the -wal and -shm exist only then) and after. */
    private final Set<String> filesScanned = new TreeSet<>();

    private final Set<String> fileHits = new TreeSet<>();

    @Test
    void theFalKeyAppearsInNoOutputLogFileOrProcessArgument() throws Exception {
        ServerCommand.assumeServerBuilt();
        List<Recorder> recorders = new ArrayList<>();
        int errors = 0;
        try (MockFal mock = ClockDriver.startMock()) {
            ClockDriver clock = new ClockDriver(mock);
            ServerSetup setup = ServerSetup.under(root.resolve("mock"), mock.baseUrl(), SecretScan.FAL_KEY)
                    .with("KLING_MCP_TIMEOUT_TOOL_CALL_SECONDS", "10")
                    .with("KLING_MCP_RETRY_MAX_ATTEMPTS", "2");
            Recorder recorder = new Recorder(setup.root().resolve("stderr.log"));
            recorders.add(recorder);
            try (StdioServer server = StdioServer.start(setup, recorder)) {
                McpSession mcp = server.session();
                checkProcesses();
                // Success paths.
                ToolCall generated = mcp.call("generate", job("secrets ok"));
                String jobId = generated.at("/job_id").asText();
                clock.advanceTo(jobId, JobStatus.IN_PROGRESS);
                mcp.call("status", Map.of("job_id", jobId, "wait_seconds", 2), "progress-1");
                clock.complete(jobId);
                ToolCall result = mcp.call("result", Map.of("job_id", jobId, "download", true));
                assertThat(result.at("/outcome").asText()).as("%s", result).isEqualTo("READY");
                Path image = TestImages.png(setup.workDir().resolve("frame.png"));
                assertThat(mcp.call("upload", Map.of("path", image.toString())).isError())
                        .isFalse();
                String second = mcp.call("generate", job("secrets cancel"))
                        .at("/job_id")
                        .asText();
                mcp.call("cancel", Map.of("job_id", second));
                mcp.call("list_jobs", Map.of());
                mcp.call("describe_models", Map.of("model", MODEL));
                recorder.seen(mcp.read("kling://jobs/" + jobId));
                checkProcesses();
                // Failure paths: bad input, unknown ids, and faults on every fal route.
                errors += errors(mcp.call("generate", Map.of("model", MODEL, "prompt", "x", "image_url", "ftp://a")));
                errors += errors(mcp.call("status", Map.of("job_id", "no-such-job")));
                errors += errors(mcp.call("upload", Map.of("path", "/etc/passwd")));
                for (String fault : List.of("500", "503", "reset", "truncate", "nonjson", "429")) {
                    mock.control()
                            .setFaults(FaultPlan.parse("submit=" + fault + "x4,status=" + fault + "x4,result=" + fault
                                    + "x4,cancel=" + fault + "x4,storage=" + fault + "x4"));
                    String failing = mcp.call("generate", job("secrets " + fault))
                            .at("/job_id")
                            .asText();
                    errors += errors(mcp.call("status", Map.of("job_id", failing.isEmpty() ? jobId : failing)));
                    errors += errors(mcp.call("cancel", Map.of("job_id", second)));
                    errors += errors(mcp.call("upload", Map.of("path", image.toString())));
                    mock.control().setFaults(new FaultPlan());
                }
                checkProcesses();
            }
        }

        // An upstream that refuses the key with 401 and echoes what it was sent: the server must not pass it on.
        AtomicInteger echoed = new AtomicInteger();
        HttpServer echo = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        echo.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            String auth = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
            echoed.incrementAndGet();
            byte[] body = ("{\"detail\":\"Invalid credentials: " + auth + "\",\"error_type\":\"unauthorized\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("WWW-Authenticate", "Key realm=\"" + auth + "\"");
            exchange.sendResponseHeaders(401, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        echo.start();
        try {
            String echoUrl = "http://127.0.0.1:" + echo.getAddress().getPort();
            ServerSetup setup = ServerSetup.under(root.resolve("echo"), echoUrl, SecretScan.FAL_KEY);
            Recorder recorder = new Recorder(setup.root().resolve("stderr.log"));
            recorders.add(recorder);
            try (StdioServer server = StdioServer.start(setup, recorder)) {
                McpSession mcp = server.session();
                checkProcesses();
                ToolCall refused = mcp.call("generate", job("secrets 401"));
                errors += errors(refused);
                errors += errors(mcp.call(
                        "status", Map.of("job_id", refused.at("/job_id").asText("none"))));
                Path image = TestImages.png(setup.workDir().resolve("frame.png"));
                errors += errors(mcp.call("upload", Map.of("path", image.toString())));
                errors += errors(mcp.call("result", Map.of("job_id", "0123-4567")));
            }
            // The same over HTTP: the server's own answers and its stderr.
            Path httpStderr = setup.root().resolve("http-stderr.log");
            try (HttpServerProcess http = HttpServerProcess.start(setup, httpStderr)) {
                checkProcesses();
                String answer = JsonRpcOverHttp.initializeAndCall(http.url(), "generate", job("secrets 401 http"));
                Recorder httpRecorder = new Recorder(setup.root().resolve("http-answers.log"));
                httpRecorder.seen(answer);
                recorders.add(httpRecorder);
                errors += answer.contains("\"isError\":true") ? 1 : 0;
            }
        } finally {
            echo.stop(0);
        }
        assertThat(echoed.get()).as("the echoing upstream was called").isPositive();

        List<String> hits = new ArrayList<>();
        int outputs = 0;
        int stderrLines = 0;
        for (Recorder r : recorders) {
            hits.addAll(SecretScan.hits(r));
            outputs += r.everything().size() - r.stderr().size();
            stderrLines += r.stderr().size();
        }
        for (Path log : List.of(root.resolve("echo/http-stderr.log"))) {
            for (String line : Files.readAllLines(log)) {
                stderrLines++;
                if (line.contains(SecretScan.SECRET_PART)) {
                    hits.add("HTTP server stderr: " + line);
                }
            }
        }
        scanFiles();
        List<String> files = List.copyOf(filesScanned);
        String md = "## Secrets\n\n"
                + "Command: `mvn -B verify -pl contract-tests -am -Dtest=ReliabilitySecretsTests"
                + " -Dsurefire.failIfNoSpecifiedTests=false`. Key `test-key-id:sk-LEAKCHECK-<24 random hex>` (new per"
                + " run); searched for its secret part. Server processes: stdio against mock-fal (generate, progress,"
                + " result with download, upload, cancel, list, describe, resource read; bad input; 500/503/reset/"
                + "truncated/non-JSON/429 on submit, status, result, cancel, storage), stdio and HTTP against an"
                + " upstream answering every call 401 with the Authorization header echoed in its body and"
                + " WWW-Authenticate header (" + echoed.get() + " calls reached it).\n\n"
                + "| searched | count | key found |\n|---|---|---|\n"
                + "| tool results, notifications, resource reads | " + outputs + " | "
                + count(hits, "result of", "notification", "other MCP message") + " |\n"
                + "| of which error answers | " + errors + " | (included above) |\n"
                + "| server stderr lines | " + stderrLines + " | " + count(hits, "stderr") + " |\n"
                + "| files under the test root (ledger jobs.db, -wal, -shm, videos, logs), scanned while the servers"
                + " ran and after | " + files.size() + " ("
                + files.stream()
                        .filter(f -> f.endsWith("-wal") || f.endsWith("-shm"))
                        .count() + " -wal/-shm) | "
                + fileHits.size() + " |\n"
                + "| process command lines (/proc/<pid>/cmdline of every process the test started and their"
                + " children, read at 5 points during the run) | " + processesChecked + " | " + processHits.size()
                + " |\n";
        ReliabilityReport.section("secrets", md);
        System.err.println(md);
        assertThat(hits).as("the key in outputs or stderr").isEmpty();
        assertThat(fileHits).as("the key in files").isEmpty();
        assertThat(processHits).as("the key in process arguments").isEmpty();
        assertThat(errors).as("failure paths exercised").isGreaterThan(10);
    }

    private static long count(List<String> hits, String... where) {
        return hits.stream().filter(h -> Stream.of(where).anyMatch(h::contains)).count();
    }

    private static int errors(ToolCall call) {
        return call.isError() ? 1 : 0;
    }

    private static Map<String, Object> job(String prompt) {
        return Map.of("model", MODEL, "prompt", prompt, "image_url", "https://example.com/cat.png", "duration", "3");
    }

    private void scanFiles() throws IOException {
        fileHits.addAll(SecretScan.fileHits(root));
        try (Stream<Path> all = Files.walk(root)) {
            all.filter(Files::isRegularFile)
                    .forEach(p -> filesScanned.add(root.relativize(p).toString()));
        }
    }

    /**
     * The command line of every process this test JVM started and all they started (the servers, anything a server
     * spawns), read as any other user of the machine can: {@code /proc/<pid>/cmdline}.
     */
    private void checkProcesses() throws IOException {
        scanFiles();
        int servers = 0;
        for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
            Path cmdline = Path.of("/proc", Long.toString(p.pid()), "cmdline");
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(cmdline);
            } catch (IOException gone) {
                continue;
            }
            processesChecked++;
            String args = new String(bytes, StandardCharsets.UTF_8).replace('\0', ' ');
            servers += args.contains("kling-mcp.jar") || args.contains(ServerCommand.MAIN_CLASS) ? 1 : 0;
            if (args.contains(SecretScan.SECRET_PART)) {
                processHits.add(p.pid() + ": " + args);
            }
        }
        assertThat(servers).as("a server process was among those checked").isPositive();
    }
}
