package dev.klingmcp.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.testing.McpOverMockFal;
import dev.klingmcp.server.testing.McpSession;
import dev.klingmcp.testing.report.ReliabilityReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fault fal's network can throw, on every route the server uses, through MCP with the real job service: each
 * call answers within its deadline, every job ends in a state the agent can read, no job fal accepted is left
 * unreachable and none is submitted twice. The table goes to docs/reliability.md.
 */
@Timeout(900)
class FaultMatrixTest {

    private static final String KEY = "matrix-test-id:matrix-test-secret-64";
    private static final String STANDARD = "fal-ai/kling-video/o3/standard/image-to-video";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    /** Fault label -> spec action; {@code %n} is replaced by how many times it strikes. */
    private static final Map<String, String> FAULTS = new LinkedHashMap<>();

    static {
        FAULTS.put("429 + Retry-After", "429");
        FAULTS.put("500", "500");
        FAULTS.put("502 (no request id)", "502");
        FAULTS.put("503 (no request id)", "503");
        FAULTS.put("504 (no request id)", "504");
        FAULTS.put("504 user timeout", "job:fail:request_timeout");
        FAULTS.put("reset", "reset");
        FAULTS.put("stall beyond timeout", "slow:8000");
        FAULTS.put("truncated", "truncate");
        FAULTS.put("non-JSON", "nonjson");
    }

    private static final List<String> ROUTES =
            List.of("submit", "status", "stream", "result", "cancel", "upload initiate", "upload PUT", "download");

    @TempDir
    static Path dir;

    private static McpOverMockFal env;
    static MockFal mock;
    static McpSession mcp;

    @BeforeAll
    static void start() throws Exception {
        env = new McpOverMockFal(
                dir,
                KEY,
                Map.of(
                        "timeout.tool-call-seconds", "5",
                        "timeout.request-seconds", "3",
                        "timeout.stream-idle-seconds", "3",
                        "timeout.transfer-seconds", "4"),
                new ServerConfig.Retry(3, Duration.ofMillis(50), Duration.ofMillis(200)));
        Files.write(dir.resolve("uploads/face.png"), new byte[2048]);
        mock = env.mock;
        mcp = env.mcp;
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    record Cell(String route, String fault, String answer, String after, long millis, long accepted, boolean ok) {}

    @Test
    void everyFaultOnEveryRouteEndsInAVisibleStateWithinTheDeadline() {
        List<Cell> cells = new ArrayList<>();
        int counter = 0;
        for (String route : ROUTES) {
            for (Map.Entry<String, String> fault : FAULTS.entrySet()) {
                cells.add(run(route, fault.getKey(), fault.getValue(), counter++));
            }
        }
        report(cells);
        for (Cell c : cells) {
            assertThat(c.millis())
                    .as(c.toString())
                    .isLessThan(DEADLINE.plusSeconds(2).toMillis());
            assertThat(c.accepted()).as("duplicate submit in " + c).isLessThanOrEqualTo(1);
            assertThat(c.ok()).as("job not visible / unreachable in " + c).isTrue();
        }
    }

    private Cell run(String route, String label, String action, int n) {
        mock.control().reset();
        boolean jobFault = action.startsWith("job:");
        String jobSpec = jobFault ? action.substring(4) : null;
        String prompt = "matrix " + n;
        String jobId = null;
        if (!route.equals("submit") && !route.startsWith("upload")) {
            if (jobFault) {
                mock.control().setFaults(FaultPlan.parse("job=" + jobSpec));
            }
            jobId = call("generate", generateArgs(prompt))
                    .at("/structuredContent/job_id")
                    .asText();
            mock.control().setFaults(new FaultPlan());
            if (route.equals("result") || route.equals("download")) {
                mock.control().advanceClock(Duration.ofMinutes(10));
            }
        }
        if (!jobFault) {
            mock.control().setFaults(FaultPlan.parse(spec(route, action)));
        } else if (route.equals("submit") || route.startsWith("upload")) {
            mock.control().setFaults(FaultPlan.parse("job=" + jobSpec));
        }
        long t0 = System.nanoTime();
        JsonNode answer =
                switch (route) {
                    case "submit" -> call("generate", generateArgs(prompt));
                    case "status" -> call("status", JSON.createObjectNode().put("job_id", jobId));
                    case "stream" -> call(
                            "status",
                            JSON.createObjectNode().put("job_id", jobId).put("wait_seconds", 3));
                    case "result" -> call("result", JSON.createObjectNode().put("job_id", jobId));
                    case "cancel" -> call("cancel", JSON.createObjectNode().put("job_id", jobId));
                    case "download" -> call(
                            "result",
                            JSON.createObjectNode().put("job_id", jobId).put("download", true));
                    default -> call("upload", JSON.createObjectNode().put("path", "face.png"));
                };
        long millis = (System.nanoTime() - t0) / 1_000_000;
        mock.control().setFaults(new FaultPlan());
        String id = answer.at("/structuredContent/job_id").asText(jobId == null ? "" : jobId);
        String shown = answer.path("isError").asBoolean()
                ? answer.at("/structuredContent/error/code").asText()
                        + (answer.at("/structuredContent/error/retryable").asBoolean() ? " (retryable)" : "")
                : "ok "
                        + answer.at("/structuredContent/status")
                                .asText(answer.at("/structuredContent/job/status")
                                        .asText(""));
        long accepted = accepted();
        String after;
        boolean ok;
        if (route.startsWith("upload")) {
            after = "-";
            ok = true;
        } else {
            mock.control().advanceClock(Duration.ofMinutes(1)); // started jobs appear in fal's history
            JsonNode status =
                    id.isEmpty() ? null : call("status", JSON.createObjectNode().put("job_id", id));
            String state = status == null
                    ? "no job"
                    : status.path("isError").asBoolean()
                            ? "error "
                                    + status.at("/structuredContent/error/code").asText()
                            : status.at("/structuredContent/job/status").asText();
            String shownId =
                    status == null ? "" : status.at("/structuredContent/job_id").asText("");
            String requestId = !shownId.isEmpty() && !shownId.startsWith("local-")
                    ? shownId
                    : jobId != null && !jobId.startsWith("local-") ? jobId : "";
            // Tracked = the ledger holds fal's request id, and the job either reached an end state or fal still has it.
            boolean reachable = accepted == 0
                    || List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(state)
                    || (!requestId.isEmpty() && mock.control().job(requestId).isPresent());
            after = state + (accepted == 0 ? ", nothing at fal" : reachable ? ", tracked" : ", UNREACHABLE");
            ok = reachable && (status == null ? accepted == 0 : !state.startsWith("error"));
        }
        return new Cell(route, label, shown, after, millis, accepted, ok);
    }

    private static String spec(String route, String action) {
        String times = action.startsWith("slow") ? "x1" : "x5";
        return switch (route) {
            case "upload initiate" -> "storage=" + action + times;
            case "upload PUT", "download" -> route.equals("download")
                    ? "storage=" + action + times
                    : "storage=pass,storage=" + action + times;
            default -> route + "=" + action + times + ",retry_after=1";
        };
    }

    private static ObjectNode generateArgs(String prompt) {
        return JSON.createObjectNode()
                .put("model", "o3/standard/image-to-video")
                .put("prompt", prompt)
                .put("image_url", "https://example.com/cat.png")
                .put("duration", "3");
    }

    private static JsonNode call(String tool, ObjectNode args) {
        return mcp.callTool(tool, args, null);
    }

    private static long accepted() {
        var c = mock.control().submits().get(STANDARD);
        return c == null ? 0 : c.accepted();
    }

    private static void report(List<Cell> cells) {
        StringBuilder md = new StringBuilder(
                        "## Fault matrix\n\nCommand: `mvn -B -pl server -am test -Dtest=FaultMatrixTest")
                .append(" -Dsurefire.failIfNoSpecifiedTests=false`. Deadline per tool call ")
                .append(DEADLINE.toSeconds())
                .append(" s (timeout.tool-call-seconds), request timeout 3 s, 3 attempts; each cell injects the fault")
                .append(" (5 times, a stall once) on one route, makes the call an agent would make, then clears the")
                .append(" faults and reads the job's status. `after` = the state the agent then sees and whether a job")
                .append(" fal accepted is tracked.\n\n")
                .append("| route | fault | answer | after | call ms | accepted at fal |\n|---|---|---|---|---|---|\n");
        long max = 0;
        int unreachable = 0;
        int duplicates = 0;
        for (Cell c : cells) {
            md.append("| ")
                    .append(c.route())
                    .append(" | ")
                    .append(c.fault())
                    .append(" | ")
                    .append(c.answer())
                    .append(" | ")
                    .append(c.after())
                    .append(" | ")
                    .append(c.millis())
                    .append(" | ")
                    .append(c.accepted())
                    .append(" |\n");
            max = Math.max(max, c.millis());
            unreachable += c.ok() ? 0 : 1;
            duplicates += c.accepted() > 1 ? 1 : 0;
        }
        md.append("\nCells: ")
                .append(cells.size())
                .append("; jobs not visible or accepted-but-unreachable: ")
                .append(unreachable)
                .append("; duplicate submits: ")
                .append(duplicates)
                .append("; slowest call: ")
                .append(max)
                .append(" ms (deadline ")
                .append(DEADLINE.toMillis())
                .append(" ms).\n");
        ReliabilityReport.section("fault-matrix", md.toString());
    }
}
