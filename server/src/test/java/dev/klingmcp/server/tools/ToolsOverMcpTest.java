package dev.klingmcp.server.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.klingmcp.server.testing.FakeJobService;
import dev.klingmcp.server.testing.McpSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool layer through the real MCP server and our stdio transport, with an in-memory job service: validation
 * mapping, alias warnings, progress, results and that every structuredContent matches its tool's outputSchema.
 */
@Timeout(60)
class ToolsOverMcpTest {

    private static final String SECRET = "key-id-1234:super-secret-value-5678";

    @TempDir
    Path tmp;

    private FakeJobService jobs;

    private McpSession mcp;

    private final Map<String, Schema> outputSchemas = new HashMap<>();

    private final List<String> checkedResults = new ArrayList<>();

    @BeforeEach
    void start() {
        jobs = new FakeJobService(tmp.resolve("videos"));
        mcp = new McpSession(jobs, text -> text.replace(SECRET, "***"));
        JsonNode tools = mcp.request("tools/list", null).path("result").path("tools");
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        tools.forEach(t -> outputSchemas.put(t.get("name").asText(), registry.getSchema(t.get("outputSchema"))));
    }

    @AfterEach
    void stop() {
        mcp.close();
    }

    @Test
    void listsTheSevenToolsEachWithDescriptionInputAndOutputSchema() {
        JsonNode tools = mcp.request("tools/list", null).path("result").path("tools");
        List<String> names = new ArrayList<>();
        tools.forEach(t -> {
            names.add(t.get("name").asText());
            assertThat(t.path("description").asText()).as(t.toString()).hasSizeGreaterThan(80);
            assertThat(t.path("inputSchema").path("type").asText()).isEqualTo("object");
            assertThat(t.path("outputSchema").path("type").asText()).isEqualTo("object");
        });
        assertThat(names)
                .containsExactlyInAnyOrder(
                        "generate", "status", "result", "cancel", "list_jobs", "upload", "describe_models");
        JsonNode generate = find(tools, "generate");
        assertThat(generate.get("description").asText())
                .startsWith("COST WARNING")
                .contains("$0.224/s")
                .contains("dry_run")
                .contains("wait_seconds <= 50")
                .contains("status");
    }

    @Test
    void invalidInputIsAToolErrorNamingEachPathAndNothingIsSubmitted() {
        ObjectNode args = ToolJson.object()
                .put("model", "o3/pro/reference-to-video")
                .put("prompt", "x")
                .put("duration", "20")
                .put("negative_prompt", "blurry");
        args.putArray("multi_prompt").addObject().put("prompt", "shot");
        JsonNode result = call("generate", args);
        assertThat(result.path("isError").asBoolean()).isTrue();
        JsonNode error = result.path("structuredContent").path("error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_input");
        assertThat(error.path("problems").findValuesAsText("path")).contains("/duration", "/negative_prompt");
        assertThat(error.path("problems").toString()).contains("multi_prompt");
        error.path("problems").forEach(p -> assertThat(p.has("allowed")).isTrue());
        assertThat(text(result)).contains("duration").contains("negative_prompt");
        assertThat(jobs.submits()).isZero();
    }

    @Test
    void unknownModelAndBadOptionsAreReportedTogether() {
        JsonNode result = call(
                "generate",
                ToolJson.object()
                        .put("model", "kling-9")
                        .put("wait_seconds", 90)
                        .put("webhook_url", "ftp://x"));
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.at("/structuredContent/error/problems").findValuesAsText("path"))
                .containsExactlyInAnyOrder("/model", "/wait_seconds", "/webhook_url");
        assertThat(call("generate", ToolJson.object().put("prompt", "no model"))
                        .at("/structuredContent/error/problems")
                        .findValuesAsText("path"))
                .containsExactly("/model");
        assertThat(jobs.submits()).isZero();
    }

    @Test
    void aliasesAndNumericDurationAreAcceptedWithWarnings() {
        ObjectNode args = ToolJson.object()
                .put("model", "o3/standard/image-to-video")
                .put("prompt", "walk")
                .put("start_image_url", "https://example.com/a.png")
                .put("tail_image_url", "https://example.com/b.png")
                .put("duration", 8);
        JsonNode result = call("generate", args);
        assertThat(result.path("isError").asBoolean()).as(result.toString()).isFalse();
        JsonNode out = result.get("structuredContent");
        assertThat(out.path("warnings").findValuesAsText("path"))
                .containsExactlyInAnyOrder("/image_url", "/end_image_url", "/duration");
        assertThat(jobs.submits()).isOne();
        JsonNode sent = jobs.commands().get(0).input();
        assertThat(sent.get("image_url").asText()).isEqualTo("https://example.com/a.png");
        assertThat(sent.get("end_image_url").asText()).isEqualTo("https://example.com/b.png");
        assertThat(sent.get("duration").asText()).isEqualTo("8");
        assertThat(out.get("job_id").asText()).isEqualTo("req-1");
        assertThat(out.get("status").asText()).isEqualTo("QUEUED");
        assertThat(out.at("/estimate/usd").asDouble()).isEqualTo(0.67);
        assertThat(out.get("next_step").asText()).contains("status").contains("req-1");
    }

    @Test
    void dryRunPricesWithoutSubmitting() {
        JsonNode result = call(
                "generate",
                ToolJson.object()
                        .put("model", "o3/4k/reference-to-video")
                        .put("prompt", "x")
                        .put("duration", "10")
                        .put("dry_run", true));
        assertThat(result.path("isError").asBoolean()).isFalse();
        assertThat(result.at("/structuredContent/estimate/usd").asDouble()).isEqualTo(4.2);
        assertThat(result.at("/structuredContent").has("job_id"))
                .as("a dry run has no job")
                .isFalse();
        assertThat(text(result)).contains("$4.20").contains("Nothing was submitted");
        assertThat(jobs.submits()).isZero();
    }

    @Test
    void statusWaitSendsIncreasingProgressAndFalLogs() {
        String id = submitPro();
        mcp.drain("notifications/progress");
        JsonNode result =
                mcp.callTool("status", ToolJson.object().put("job_id", id).put("wait_seconds", 30), "tok-1");
        check("status", result);
        assertThat(result.at("/structuredContent/job/status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.at("/structuredContent/finished").asBoolean()).isTrue();
        List<JsonNode> progress = mcp.drain("notifications/progress");
        assertThat(progress).hasSizeGreaterThanOrEqualTo(3);
        double last = -1;
        for (JsonNode p : progress) {
            assertThat(p.at("/params/progressToken").asText()).isEqualTo("tok-1");
            double value = p.at("/params/progress").asDouble();
            assertThat(value).isGreaterThan(last);
            last = value;
        }
        assertThat(last).isEqualTo(100.0);
        assertThat(progress.get(0).at("/params/message").asText()).contains("queued");
        List<JsonNode> logs = mcp.drain("notifications/message");
        assertThat(logs)
                .extracting(n -> n.at("/params/data").asText())
                .anyMatch(s -> s.contains("Generating video... 90%"));
    }

    @Test
    void withoutProgressTokenNoProgressIsSent() {
        String id = submitPro();
        call("status", ToolJson.object().put("job_id", id).put("wait_seconds", 5));
        assertThat(mcp.drain("notifications/progress")).isEmpty();
    }

    @Test
    void resultBeforeAndAfterCompletionAndWithDownload() {
        String id = submitPro();
        JsonNode early = call("result", ToolJson.object().put("job_id", id));
        assertThat(early.path("isError").asBoolean()).isFalse();
        assertThat(early.at("/structuredContent/outcome").asText()).isEqualTo("NOT_FINISHED");
        assertThat(text(early)).contains("Not finished");

        call("status", ToolJson.object().put("job_id", id).put("wait_seconds", 10));
        JsonNode done = call("result", ToolJson.object().put("job_id", id).put("download", true));
        assertThat(done.at("/structuredContent/outcome").asText()).isEqualTo("READY");
        assertThat(done.at("/structuredContent/video/url").asText()).endsWith(id + ".mp4");
        assertThat(done.at("/structuredContent/video/content_type").asText()).isEqualTo("video/mp4");
        Path saved = Path.of(done.at("/structuredContent/download/path").asText());
        assertThat(saved).exists();
        assertThat(done.at("/structuredContent/download/sha256").asText()).hasSize(64);
        List<String> links = new ArrayList<>();
        done.get("content").forEach(c -> {
            if (c.path("type").asText().equals("resource_link")) {
                links.add(c.get("uri").asText());
            }
        });
        assertThat(links)
                .contains(
                        done.at("/structuredContent/video/url").asText(),
                        saved.toUri().toString());
    }

    @Test
    void failedJobResultIsAToolErrorWithFalsDetail() {
        jobs.failNext();
        String id = submitPro();
        call("status", ToolJson.object().put("job_id", id).put("wait_seconds", 10));
        JsonNode failed = call("result", ToolJson.object().put("job_id", id));
        assertThat(failed.path("isError").asBoolean()).isTrue();
        assertThat(failed.at("/structuredContent/error/code").asText()).isEqualTo("job_failed");
        assertThat(failed.at("/structuredContent/error/error_type").asText()).isEqualTo("string_too_long");
        assertThat(failed.at("/structuredContent/error/detail/0/type").asText()).isEqualTo("string_too_long");
        assertThat(failed.at("/structuredContent/outcome").asText()).isEqualTo("FAILED");
    }

    @Test
    void cancelListAndUnknownIds() {
        String first = submitPro();
        String second = submitPro();
        JsonNode cancelled = call("cancel", ToolJson.object().put("job_id", first));
        assertThat(cancelled.at("/structuredContent/outcome").asText()).isEqualTo("CANCELLATION_REQUESTED");
        JsonNode again = call("cancel", ToolJson.object().put("job_id", first));
        assertThat(again.at("/structuredContent/outcome").asText()).isEqualTo("ALREADY_COMPLETED");
        JsonNode missing = call("cancel", ToolJson.object().put("job_id", "nope"));
        assertThat(missing.path("isError").asBoolean()).isTrue();
        assertThat(missing.at("/structuredContent/outcome").asText()).isEqualTo("NOT_FOUND");
        assertThat(missing.at("/content/0/text").asText()).contains("'nope'", "list_jobs");
        JsonNode statusMissing = call("status", ToolJson.object().put("job_id", "nope"));
        assertThat(statusMissing.at("/structuredContent/error/code").asText()).isEqualTo("not_found");
        // One shape for an unknown id, whichever tool was asked: README promises every error says retryable.
        assertThat(missing.at("/structuredContent/error/code"))
                .isEqualTo(statusMissing.at("/structuredContent/error/code"));
        assertThat(missing.at("/structuredContent/error/retryable"))
                .isEqualTo(statusMissing.at("/structuredContent/error/retryable"))
                .isEqualTo(ToolJson.MAPPER.getNodeFactory().booleanNode(false));
        assertThat(missing.at("/structuredContent/error/message").asText())
                .isEqualTo(missing.at("/content/0/text").asText());
        JsonNode emptyId = call("status", ToolJson.object().put("job_id", ""));
        assertThat(emptyId.at("/content/0/text").asText()).contains("- job_id: is empty (allowed: a non-empty string)");

        JsonNode list = call("list_jobs", ToolJson.object());
        assertThat(list.at("/structuredContent/jobs").findValuesAsText("job_id"))
                .containsExactly(second, first);
        assertThat(list.at("/structuredContent/totals/count").asInt()).isEqualTo(2);
        JsonNode queued =
                call("list_jobs", ToolJson.object().put("status", "QUEUED").put("model", "o3/pro/reference-to-video"));
        assertThat(queued.at("/structuredContent/jobs").findValuesAsText("job_id"))
                .containsExactly(second);
        JsonNode bad = call(
                "list_jobs",
                ToolJson.object()
                        .put("status", "DONE")
                        .put("since", "yesterday")
                        .put("x", 1));
        assertThat(bad.at("/structuredContent/error/problems").findValuesAsText("path"))
                .containsExactlyInAnyOrder("/status", "/since", "/x");
        JsonNode badCursor = call("list_jobs", ToolJson.object().put("cursor", "page-2"));
        assertThat(badCursor.path("isError").asBoolean()).isTrue();
        assertThat(badCursor.at("/structuredContent/error/problems").findValuesAsText("path"))
                .containsExactly("/cursor");
        assertThat(badCursor.at("/structuredContent/error/problems/0/allowed").asText())
                .contains("next_cursor");
    }

    @Test
    void describeModelsAndUpload() throws Exception {
        JsonNode models = call("describe_models", ToolJson.object());
        assertThat(models.at("/structuredContent/models").findValuesAsText("short_name"))
                .containsExactly("o3/standard/image-to-video", "o3/pro/reference-to-video", "o3/4k/reference-to-video");
        JsonNode standard = models.at("/structuredContent/models/0");
        assertThat(standard.get("fields").findValuesAsText("name")).contains("image_url", "prompt", "duration");
        assertThat(standard.at("/pricing/usd_per_second_audio_on").asDouble()).isEqualTo(0.112);
        assertThat(standard.at("/examples/0/image_url").asText()).startsWith("https://");
        JsonNode one = call(
                "describe_models",
                ToolJson.object().put("model", "o3/4k/reference-to-video").put("include_schema", true));
        assertThat(one.at("/structuredContent/models")).hasSize(1);
        // fal's published 4k example prompts @Element1/@Element2 without elements; the one offered sends both
        JsonNode fourK = one.at("/structuredContent/models/0/examples/0");
        assertThat(fourK.path("prompt").asText()).contains("@Element2");
        assertThat(fourK.path("elements")).hasSize(2);
        assertThat(fourK.has("multi_prompt")).as("null fields are left out").isFalse();
        assertThat(one.at("/structuredContent/models/0/input_schema/properties").has("elements"))
                .isTrue();

        Path file = Files.writeString(tmp.resolve("frame.png"), "png");
        JsonNode uploaded = call("upload", ToolJson.object().put("path", file.toString()));
        assertThat(uploaded.at("/structuredContent/url").asText()).endsWith("frame.png");
        JsonNode missing = call(
                "upload", ToolJson.object().put("path", tmp.resolve("none.png").toString()));
        assertThat(missing.at("/structuredContent/error/problems").findValuesAsText("path"))
                .containsExactly("/path");
    }

    @Test
    void theFalKeyNeverAppearsInAResult() {
        JsonNode result = call(
                "generate", ToolJson.object().put("model", "kling-" + SECRET).put("prompt", "x"));
        assertThat(result.toString()).doesNotContain(SECRET).contains("***");
    }

    private String submitPro() {
        JsonNode r = call(
                "generate",
                ToolJson.object().put("model", "o3/pro/reference-to-video").put("prompt", "a cat"));
        assertThat(r.path("isError").asBoolean()).as(r.toString()).isFalse();
        return r.at("/structuredContent/job_id").asText();
    }

    private JsonNode call(String tool, JsonNode args) {
        JsonNode result = mcp.callTool(tool, args, null);
        check(tool, result);
        return result;
    }

    /** Every result, error or not, carries structuredContent that validates against the tool's outputSchema. */
    private void check(String tool, JsonNode result) {
        JsonNode structured = result.get("structuredContent");
        assertThat(structured).as(tool + " structuredContent").isNotNull();
        assertThat(outputSchemas.get(tool).validate(structured))
                .as(tool + ": " + structured)
                .isEmpty();
        assertThat(result.path("content").path(0).path("type").asText()).isEqualTo("text");
        checkedResults.add(tool);
    }

    private static String text(JsonNode result) {
        return result.path("content").path(0).path("text").asText();
    }

    private static JsonNode find(JsonNode tools, String name) {
        for (JsonNode t : tools) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError(name);
    }
}
