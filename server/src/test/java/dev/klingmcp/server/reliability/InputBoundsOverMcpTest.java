package dev.klingmcp.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.jobs.impl.DefaultJobService;
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
 * Regression tests for inputs that used to spend money or blow up answers, through MCP, the real job service and a
 * mock-fal that counts every submit attempt: {@code dry_run: null}, unchecked URLs, unbounded strings echoed back.
 */
@Timeout(120)
class InputBoundsOverMcpTest {

    private static final String KEY = "bounds-test-id:bounds-test-secret-31";
    private static final String STANDARD = "fal-ai/kling-video/o3/standard/image-to-video";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private McpOverMockFal env;
    private MockFal mock;
    private DefaultJobService jobs;
    private McpSession mcp;

    @BeforeEach
    void start() throws Exception {
        env = new McpOverMockFal(
                dir, KEY, Map.of(), new ServerConfig.Retry(2, Duration.ofMillis(1), Duration.ofMillis(5)));
        mock = env.mock;
        jobs = env.jobs;
        mcp = env.mcp;
    }

    @AfterEach
    void stop() {
        env.close();
    }

    private long submitAttempts() {
        var c = mock.control().submits().get(STANDARD);
        return c == null ? 0 : c.attempts();
    }

    private static ObjectNode valid() {
        return JSON.createObjectNode()
                .put("model", "o3/standard/image-to-video")
                .put("prompt", "a cat walks")
                .put("image_url", "https://example.com/cat.png")
                .put("duration", "3");
    }

    private static List<String> paths(JsonNode result) {
        return result.at("/structuredContent/error/problems").findValuesAsText("path");
    }

    @Test
    void dryRunNullIsRefusedAndSubmitsNothing() {
        JsonNode result = mcp.callTool("generate", valid().putNull("dry_run"), null);

        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(paths(result)).containsExactly("/dry_run");
        assertThat(submitAttempts()).isZero();
        assertThat(jobs.list(new dev.klingmcp.server.jobs.JobFilter(java.util.Set.of(), null, null, 10))
                        .jobs())
                .isEmpty();
    }

    @Test
    void nullForAnyOwnOptionIsRefusedNotReadAsTheDefault() {
        for (String option : List.of("wait_seconds", "webhook_url", "idempotency_key")) {
            JsonNode result = mcp.callTool("generate", valid().putNull(option), null);
            assertThat(paths(result)).as(option).containsExactly("/" + option);
        }
        assertThat(submitAttempts()).isZero();
    }

    @Test
    void badMediaUrlsAreRefusedBeforeAnySubmit() {
        List<String> bad = List.of(
                "",
                "not a url",
                "file:///etc/passwd",
                "javascript:alert(1)",
                "http://example.com/cat.png",
                "https://169.254.169.254/latest/meta-data/",
                "https://10.1.2.3/cat.png",
                "https://[::1]/cat.png",
                "https://localhost/cat.png",
                "https://2130706433/cat.png",
                "https://user:pw@example.com/cat.png",
                "https://example.com/\u0000cat.png",
                "https://example.com/" + "a".repeat(3000));
        for (String url : bad) {
            for (boolean dryRun : new boolean[] {true, false}) {
                JsonNode result =
                        mcp.callTool("generate", valid().put("image_url", url).put("dry_run", dryRun), null);
                assertThat(result.path("isError").asBoolean()).as(url).isTrue();
                assertThat(result.at("/structuredContent/error/code").asText())
                        .as(url)
                        .isEqualTo("invalid_input");
                assertThat(result.toString()).as(url).hasSizeLessThan(6000);
            }
        }
        assertThat(submitAttempts()).isZero();
    }

    @Test
    void badUrlsComeInTheSameAnswerAsSchemaProblemsOneLineEach() {
        ObjectNode args = valid().put("image_url", "http://example.com/cat.png")
                .put("end_image_url", "ftp://example.com/end.png")
                .put("duration", "99")
                .put("dry_run", true);
        JsonNode result = mcp.callTool("generate", args, null);

        assertThat(paths(result)).containsExactlyInAnyOrder("/duration", "/image_url", "/end_image_url");
        String text = result.at("/content/0/text").asText();
        assertThat(text.lines().filter(l -> l.startsWith("- ")))
                .hasSize(3)
                .anySatisfy(l -> assertThat(l).startsWith("- end_image_url: uses \"ftp:\""))
                .allSatisfy(l -> assertThat(l).containsOnlyOnce("(allowed: "));
        assertThat(text).doesNotContain("not valid for this model");
        assertThat(submitAttempts()).isZero();
    }

    @Test
    void aRefusalFromTheJobServiceListsEachProblemOnItsOwn() {
        // A caller that skips the tool's checks still gets one entry per problem from the service's own check.
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.klingmcp.server.jobs.JobException.class,
                () -> jobs.submit(new dev.klingmcp.server.jobs.SubmitCommand(
                        dev.klingmcp.openapi.FalEndpoints.load().require(STANDARD),
                        JSON.createObjectNode()
                                .put("prompt", "x")
                                .put("image_url", "http://example.com/a.png")
                                .put("end_image_url", "https://10.0.0.1/b.png"),
                        null,
                        true,
                        null)));
        assertThat(e.problems())
                .extracting(dev.klingmcp.openapi.Violation::path)
                .containsExactly("/image_url", "/end_image_url");
        assertThat(e.path()).isEqualTo("/image_url");
    }

    @Test
    void badWebhookUrlsAreRefusedBeforeAnySubmit() {
        for (String url : List.of(
                "\u0000https://example.com/hook",
                "https://user:secret@example.com/hook",
                "https://192.168.1.10/hook",
                "http://example.com/hook")) {
            JsonNode result = mcp.callTool("generate", valid().put("webhook_url", url), null);
            assertThat(result.path("isError").asBoolean()).as(url).isTrue();
            assertThat(result.toString()).as(url).doesNotContain("secret");
        }
        assertThat(submitAttempts()).isZero();
    }

    @Test
    void theMockHostIsAllowedOverPlainHttp() {
        String local = mock.baseUrl() + "/cat.png";
        JsonNode result =
                mcp.callTool("generate", valid().put("image_url", local).put("dry_run", true), null);
        assertThat(result.path("isError").asBoolean()).as(result.toString()).isFalse();
    }

    @Test
    void idempotencyKeyLongerThanItsLimitIsRefused() {
        JsonNode result = mcp.callTool("generate", valid().put("idempotency_key", "k".repeat(201)), null);
        assertThat(paths(result)).containsExactly("/idempotency_key");
        assertThat(submitAttempts()).isZero();
    }

    @Test
    void hugeArgumentsAreEchoedShortAtMostOnce() {
        String huge = "x".repeat(4 * 1024 * 1024);
        for (String tool : List.of("status", "result", "cancel")) {
            JsonNode result = mcp.callTool(tool, JSON.createObjectNode().put("job_id", huge), null);
            assertThat(result.path("isError").asBoolean()).isTrue();
            assertThat(result.toString()).as(tool).hasSizeLessThan(4000);
        }
        JsonNode upload = mcp.callTool("upload", JSON.createObjectNode().put("path", huge), null);
        assertThat(upload.toString()).hasSizeLessThan(4000);
        JsonNode list = mcp.callTool(
                "list_jobs", JSON.createObjectNode().put("since", huge).put("model", huge), null);
        assertThat(list.toString()).hasSizeLessThan(4000);
        // Jackson refuses names over 50,000 characters while parsing (a -32700 answer); just below that reaches us.
        ObjectNode unknown = valid();
        unknown.put("n".repeat(40_000), 1);
        unknown.putArray("elements").addObject().put("m".repeat(40_000), 1);
        assertThat(mcp.callTool("generate", unknown, null).toString()).hasSizeLessThan(4000);
        assertThat(mcp.callTool("generate", valid().put("model", huge), null).toString())
                .hasSizeLessThan(4000);
        assertThat(submitAttempts()).isZero();
    }

    @Test
    void manyProblemsAreListedUpToALimit() {
        ObjectNode many = valid();
        for (int i = 0; i < 500; i++) {
            many.put("unknown_" + i, i);
        }
        JsonNode result = mcp.callTool("generate", many, null);
        assertThat(result.at("/structuredContent/error/problems").size()).isLessThanOrEqualTo(20);
        assertThat(result.at("/structuredContent/error/more_problems").asInt()).isPositive();
        assertThat(submitAttempts()).isZero();
    }
}
