package dev.klingmcp.server.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.config.ToolSchemaProfile;
import dev.klingmcp.server.testing.FakeJobService;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * generate's portable input schema keeps every field and says the per-model rules in words; the full profile keeps the
 * 2020-12 composition. (Every tool's schema is judged against each provider's rules by the contract tests'
 * {@code PublishedSchemaSubsetTests}.)
 */
class PortableSchemaTest {

    @TempDir
    Path tmp;

    @Test
    void generatesPortableSchemaSaysThePerModelRulesAndKeepsEveryField() {
        JsonNode generate = schemaOf(ToolSchemaProfile.PORTABLE, "generate");
        assertThat(generate.path("required").toString()).isEqualTo("[\"model\"]");
        assertThat(generate.path("description").asText())
                .contains("o3/standard/image-to-video takes")
                .contains("requires image_url")
                .contains("exactly one of prompt or multi_prompt");
        JsonNode full = schemaOf(ToolSchemaProfile.FULL, "generate");
        assertThat(generate.path("properties").size())
                .isEqualTo(full.path("properties").size());
        assertThat(generate.at("/properties/prompt/type").asText()).isEqualTo("string");
        assertThat(generate.at("/properties/elements/items/properties/frontal_image_url/type")
                        .asText())
                .isEqualTo("string");
        assertThat(generate.at("/properties/dry_run/description").asText()).contains("Default: false.");
        assertThat(generate.has("allOf") || generate.has("$defs") || generate.has("additionalProperties"))
                .isFalse();
        assertThat(full.has("allOf")).isTrue();
        assertThat(full.path("$defs").isObject()).isTrue();
    }

    @Test
    void limitsSaidOnANullableFieldsBranchSurviveAndNullExamplesAreNotOffered() {
        JsonNode generate = schemaOf(ToolSchemaProfile.PORTABLE, "generate");
        // fal's prompt is anyOf [string <= 2500, null]: the portable form drops maxLength, so its words must stay.
        assertThat(generate.at("/properties/prompt/description").asText())
                .startsWith("Text prompt for video generation.")
                .contains("At most 2500 characters.");
        assertThat(generate.at("/properties/start_image_url/description").asText())
                .contains("Limits: Max file size: 10.0MB");
        assertThat(generate.at("/properties/multi_prompt/description").asText()).doesNotContain("Example: null");
        assertThat(generate.at("/properties/image_urls/description").asText()).doesNotContain("Example: null");
        assertThat(generate.at("/properties/duration/description").asText()).contains("Example: \"10\".");
    }

    private JsonNode schemaOf(ToolSchemaProfile profile, String name) {
        return tools(profile).stream()
                .filter(t -> t.name().equals(name))
                .map(t -> ToolJson.MAPPER.<JsonNode>valueToTree(t.inputSchema()))
                .findFirst()
                .orElseThrow();
    }

    private List<Tool> tools(ToolSchemaProfile profile) {
        FalEndpoints registry = FalEndpoints.load();
        ToolContext ctx = new ToolContext(
                new FakeJobService(tmp),
                registry,
                new ToolResults(s -> s),
                new OutputSchemas(registry),
                JobEvents.NONE,
                profile);
        return KlingTools.create(ctx).stream().map(KlingTool::tool).toList();
    }
}
