package dev.klingmcp.server.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.config.ToolSchemaProfile;
import dev.klingmcp.server.testing.FakeJobService;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default {@code tools/list} input schemas are the portable subset: what OpenAI function calling, Gemini's
 * {@code parameters} (an OpenAPI 3.0 subset without references, combinators or type arrays) and LangChain's schema
 * simplification take without rewriting. The full profile keeps the 2020-12 documents with their per-model rules.
 */
class PortableSchemaTest {

    private static final Set<String> FORBIDDEN = Set.of(
            "$ref",
            "$defs",
            "$schema",
            "allOf",
            "anyOf",
            "oneOf",
            "if",
            "then",
            "else",
            "not",
            "propertyNames",
            "format",
            "default",
            "examples",
            "const");

    @TempDir
    Path tmp;

    @Test
    void everyPublishedInputSchemaIsInThePortableSubset() {
        for (Tool tool : tools(ToolSchemaProfile.PORTABLE)) {
            JsonNode schema = ToolJson.MAPPER.valueToTree(tool.inputSchema());
            assertThat(schema.path("type").asText()).as(tool.name()).isEqualTo("object");
            for (JsonNode s : schemasIn(schema)) {
                List<String> keys = new ArrayList<>();
                s.fieldNames().forEachRemaining(keys::add);
                assertThat(keys).as("%s: %s", tool.name(), s).doesNotContainAnyElementsOf(FORBIDDEN);
                assertThat(s.path("type").isTextual())
                        .as("%s: one type in %s", tool.name(), s)
                        .isTrue();
                s.path("required").forEach(r -> assertThat(s.path("properties").has(r.asText()))
                        .as("%s: required %s is a property", tool.name(), r)
                        .isTrue());
                if (s.path("type").asText().equals("array")) {
                    assertThat(s.has("items"))
                            .as("%s: items of %s", tool.name(), s)
                            .isTrue();
                }
            }
        }
    }

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
        assertThat(full.has("allOf")).isTrue();
        assertThat(full.path("$defs").isObject()).isTrue();
    }

    private JsonNode schemaOf(ToolSchemaProfile profile, String name) {
        return tools(profile).stream()
                .filter(t -> t.name().equals(name))
                .map(t -> (JsonNode) ToolJson.MAPPER.valueToTree(t.inputSchema()))
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

    private static List<JsonNode> schemasIn(JsonNode schema) {
        List<JsonNode> all = new ArrayList<>();
        List<JsonNode> todo = new ArrayList<>(List.of(schema));
        while (!todo.isEmpty()) {
            JsonNode s = todo.remove(todo.size() - 1);
            all.add(s);
            s.path("properties").forEach(todo::add);
            if (s.path("items").isObject()) {
                todo.add(s.get("items"));
            }
        }
        return all;
    }
}
