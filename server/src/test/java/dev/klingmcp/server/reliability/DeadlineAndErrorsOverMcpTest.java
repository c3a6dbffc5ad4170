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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression tests: a tool call answers by its deadline whatever fal does (stalls, retries), with the job's last known
 * state; fal's HTML error pages are reduced to one line; errors say whether retrying helps and name the job.
 */
@Timeout(180)
class DeadlineAndErrorsOverMcpTest {

    private static final String KEY = "deadline-test-id:deadline-test-secret-42";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The shortest deadline the configuration accepts. */
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private McpOverMockFal env;
    private MockFal mock;
    private McpSession mcp;

    @BeforeEach
    void start() throws Exception {
        env = new McpOverMockFal(
                dir,
                KEY,
                Map.of("timeout.tool-call-seconds", "5", "timeout.request-seconds", "8"),
                // Many slow attempts: without a deadline a call would take minutes.
                new ServerConfig.Retry(8, Duration.ofSeconds(2), Duration.ofSeconds(3)));
        mock = env.mock;
        mcp = env.mcp;
    }

    @AfterEach
    void stop() {
        env.close();
    }

    /** generate's arguments for a valid 3 s standard job. */
    private static ObjectNode catWalks() {
        return JSON.createObjectNode()
                .put("model", "o3/standard/image-to-video")
                .put("prompt", "a cat walks")
                .put("image_url", "https://example.com/cat.png")
                .put("duration", "3");
    }

    private String submitted() {
        JsonNode r = mcp.callTool("generate", catWalks(), null);
        assertThat(r.path("isError").asBoolean()).as(r.toString()).isFalse();
        return r.at("/structuredContent/job_id").asText();
    }

    @Test
    void aStalledStatusAnswersAtTheDeadlineWithTheLastKnownState() {
        String id = submitted();
        mock.control()
                .addFaults(FaultPlan.parse(
                        "status=slow:30000x40,stream=slow:30000x40,cancel=slow:30000x40,result=slow:30000x40"));
        for (String tool : List.of("status", "cancel", "result")) {
            long t0 = System.nanoTime();
            JsonNode r = mcp.callTool(tool, JSON.createObjectNode().put("job_id", id), null);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(took).as(tool).isLessThan(DEADLINE.plusSeconds(3));
            assertThat(r.path("isError").asBoolean()).as(tool).isTrue();
            assertThat(r.at("/structuredContent/error/code").asText()).as(tool).isEqualTo("timed_out");
            assertThat(r.at("/structuredContent/error/retryable").asBoolean()).isTrue();
            assertThat(r.at("/structuredContent/job_id").asText()).isEqualTo(id);
            assertThat(r.at("/structuredContent/status").asText()).isEqualTo("QUEUED");
            assertThat(r.at("/structuredContent/next_step").asText()).contains(id);
        }
    }

    @Test
    void aStatusWaitLongerThanTheDeadlineIsShortened() {
        String id = submitted();
        long t0 = System.nanoTime();
        JsonNode r =
                mcp.callTool("status", JSON.createObjectNode().put("job_id", id).put("wait_seconds", 50), null);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(took).isLessThan(DEADLINE.plusSeconds(3));
        assertThat(r.path("isError").asBoolean()).as(r.toString()).isFalse();
    }

    @Test
    void anHtmlErrorPageBecomesOneLineAndSaysRetryingHelps() {
        String id = submitted();
        mock.control().addFaults(FaultPlan.parse("status=502x20"));
        JsonNode r = mcp.callTool("status", JSON.createObjectNode().put("job_id", id), null);
        String message = r.at("/structuredContent/error/message").asText();
        assertThat(r.path("isError").asBoolean()).isTrue();
        assertThat(message).contains("502").doesNotContain("<html").doesNotContain("<");
        assertThat(r.at("/structuredContent/error/retryable").asBoolean()).isTrue();
        assertThat(r.at("/structuredContent/job_id").asText()).isEqualTo(id);
    }

    @Test
    void aBrokenBodyIsNotCalledAConnectionFailure() {
        String id = submitted();
        mock.control().addFaults(FaultPlan.parse("status=nonjson x20".replace(" ", "")));
        JsonNode r = mcp.callTool("status", JSON.createObjectNode().put("job_id", id), null);
        String message = r.at("/structuredContent/error/message").asText();
        assertThat(message).contains("not the JSON expected").doesNotContain("connection");
        assertThat(r.at("/structuredContent/job_id").asText()).isEqualTo(id);
    }

    @Test
    void anUnknownSubmitNamesItsJobAndSaysNotToRetryBlindly() {
        mock.control().addFaults(FaultPlan.parse("submit=500"));
        JsonNode r = mcp.callTool("generate", catWalks(), null);
        assertThat(r.path("isError").asBoolean()).isTrue();
        assertThat(r.at("/structuredContent/job_id").asText()).startsWith("local-");
        assertThat(r.at("/structuredContent/error/retryable").asBoolean()).isFalse();
    }

    @Test
    void cancelKnowsALocalIdThatStatusKnows() {
        mock.control().addFaults(FaultPlan.parse("submit=500"));
        String local = mcp.callTool("generate", catWalks(), null)
                .at("/structuredContent/job_id")
                .asText();
        JsonNode status = mcp.callTool("status", JSON.createObjectNode().put("job_id", local), null);
        assertThat(status.toString()).doesNotContain("No job with id");
        JsonNode cancel = mcp.callTool("cancel", JSON.createObjectNode().put("job_id", local), null);
        assertThat(cancel.toString()).doesNotContain("No job with id").doesNotContain("no job with id");
        assertThat(cancel.at("/structuredContent/job_id").asText()).isEqualTo(local);
    }
}
