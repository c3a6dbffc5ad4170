package dev.klingmcp.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.testing.FakeJobService;
import dev.klingmcp.server.testing.McpSession;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The MCP extras: capabilities, the job resource template (read + subscribe), the prompt and completions. */
@Timeout(60)
class KlingMcpServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private FakeJobService jobs;

    private McpSession mcp;

    @BeforeEach
    void start() {
        jobs = new FakeJobService(tmp);
        mcp = new McpSession(jobs, s -> s);
    }

    @AfterEach
    void stop() {
        mcp.close();
    }

    @Test
    void jobResourceReadsTheJobAndUnknownIdsAreNotFound() {
        String id = submit();
        JsonNode templates = mcp.request("resources/templates/list", null).at("/result/resourceTemplates");
        assertThat(templates.findValuesAsText("uriTemplate")).containsExactly("kling://jobs/{job_id}");
        JsonNode read = mcp.request("resources/read", JSON.createObjectNode().put("uri", "kling://jobs/" + id));
        JsonNode contents = read.at("/result/contents/0");
        assertThat(contents.get("mimeType").asText()).isEqualTo("application/json");
        JsonNode job = parse(contents.get("text").asText());
        assertThat(job.get("job_id").asText()).isEqualTo(id);
        assertThat(job.get("status").asText()).isEqualTo("QUEUED");
        assertThat(job.get("next_step").asText()).contains("status");
        JsonNode missing = mcp.request("resources/read", JSON.createObjectNode().put("uri", "kling://jobs/nope"));
        assertThat(missing.at("/error/code").asInt()).isEqualTo(-32002);
    }

    @Test
    void subscribersHearAboutChangesWhileTheJobRuns() {
        String id = submit();
        String uri = "kling://jobs/" + id;
        assertThat(mcp.request("resources/subscribe", JSON.createObjectNode().put("uri", uri))
                        .has("result"))
                .isTrue();
        // Another client's status call plays the job to its end; the background follower relays it to the subscriber.
        mcp.callTool("status", JSON.createObjectNode().put("job_id", id).put("wait_seconds", 10), null);
        JsonNode updated = mcp.awaitNotification("notifications/resources/updated", Duration.ofSeconds(10));
        assertThat(updated.at("/params/uri").asText()).isEqualTo(uri);
    }

    @Test
    void referenceScenePromptFollowsFalsTemplateAndTheModelsLimits() {
        JsonNode list = mcp.request("prompts/list", null).at("/result/prompts");
        assertThat(list).hasSize(1);
        assertThat(list.at("/0/name").asText()).isEqualTo("kling_reference_scene");
        assertThat(list.at("/0/arguments").findValuesAsText("name"))
                .containsExactly(
                        "model",
                        "scene",
                        "subjects",
                        "style_references",
                        "camera",
                        "important_details",
                        "audio",
                        "constraints");
        ObjectNode args = JSON.createObjectNode()
                .put("model", "o3/4k/reference-to-video")
                .put("scene", "a beach at dusk")
                .put("subjects", "@Element1 throws a ball to @Element2");
        JsonNode prompt = mcp.request(
                "prompts/get",
                JSON.createObjectNode().put("name", "kling_reference_scene").set("arguments", args));
        String text = prompt.at("/result/messages/0/content/text").asText();
        assertThat(text)
                .contains("Scene: a beach at dusk")
                .contains("Subjects: @Element1 throws a ball to @Element2")
                .contains("Camera: [static / follow / push / pull / pan / framing choices]")
                .contains("at most 7")
                .contains("no negative_prompt")
                .contains("model=\"o3/4k/reference-to-video\"");
    }

    @Test
    void thePromptRefusesAMissingSceneAndAModelWithoutReferences() {
        JsonNode noScene = mcp.request(
                "prompts/get",
                JSON.createObjectNode()
                        .put("name", "kling_reference_scene")
                        .set("arguments", JSON.createObjectNode().put("subjects", "a cat")));
        assertThat(noScene.at("/error/code").asInt()).isEqualTo(-32602);
        assertThat(noScene.at("/error/message").asText()).contains("'scene' is required");
        JsonNode standard = mcp.request(
                "prompts/get",
                JSON.createObjectNode()
                        .put("name", "kling_reference_scene")
                        .set(
                                "arguments",
                                JSON.createObjectNode()
                                        .put("scene", "a beach")
                                        .put("model", "o3/standard/image-to-video")));
        assertThat(standard.at("/error/message").asText())
                .contains("'model'")
                .contains("o3/pro/reference-to-video, o3/4k/reference-to-video");
    }

    @Test
    void completesJobIdsFromTheLedgerAndModels() {
        String id = submit();
        JsonNode jobs = mcp.request(
                "completion/complete",
                JSON.createObjectNode()
                        .<ObjectNode>set(
                                "ref",
                                JSON.createObjectNode()
                                        .put("type", "ref/resource")
                                        .put("uri", "kling://jobs/{job_id}"))
                        .set(
                                "argument",
                                JSON.createObjectNode().put("name", "job_id").put("value", "req")));
        assertThat(jobs.at("/result/completion/values").toString()).contains(id);
        JsonNode models = mcp.request(
                "completion/complete",
                JSON.createObjectNode()
                        .<ObjectNode>set(
                                "ref",
                                JSON.createObjectNode()
                                        .put("type", "ref/prompt")
                                        .put("name", "kling_reference_scene"))
                        .set(
                                "argument",
                                JSON.createObjectNode().put("name", "model").put("value", "o3/4")));
        assertThat(models.at("/result/completion/values").get(0).asText()).isEqualTo("o3/4k/reference-to-video");
    }

    private String submit() {
        JsonNode r = mcp.callTool(
                "generate",
                JSON.createObjectNode()
                        .put("model", "o3/pro/reference-to-video")
                        .put("prompt", "a cat"),
                null);
        return r.at("/structuredContent/job_id").asText();
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
