package dev.klingmcp.server.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoints;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tools' output schemas say what a result always has ({@code required}), and the portable rendering (the default
 * profile's) has one type per field: no type arrays, no null unions, no references.
 */
class OutputSchemasTest {

    private static final List<String> TOOLS =
            List.of("describe_models", "generate", "status", "result", "cancel", "list_jobs", "upload");

    private static final OutputSchemas SCHEMAS = new OutputSchemas(FalEndpoints.load());

    @Test
    void everyToolSaysWhatASuccessAndAnErrorAlwaysHave() {
        for (String tool : TOOLS) {
            ObjectNode schema = SCHEMAS.schema(tool);
            JsonNode success = schema.at("/anyOf/0/required");
            assertThat(success.size()).as("%s: fields every success has", tool).isPositive();
            success.forEach(f -> assertThat(schema.path("properties").has(f.asText()))
                    .as("%s requires %s, which it declares", tool, f)
                    .isTrue());
            assertThat(schema.at("/anyOf/1/required/0").asText()).as(tool).isEqualTo("error");
        }
    }

    @Test
    void portableOutputSchemasHaveOneTypePerFieldAndNoReferences() {
        for (String tool : TOOLS) {
            ObjectNode portable = PortableSchema.ofOutput(SCHEMAS.schema(tool));
            List<String> problems = new ArrayList<>();
            walk(portable, "", true, problems);
            assertThat(problems).as(tool).isEmpty();
            assertThat(portable.at("/properties/error/required").toString())
                    .as("%s: the error object, inlined", tool)
                    .contains("code");
        }
        assertThat(PortableSchema.ofOutput(SCHEMAS.schema("status"))
                        .at("/properties/job/required")
                        .toString())
                .contains("\"job_id\"", "\"status\"", "\"resource_uri\"");
    }

    private static void walk(JsonNode node, String at, boolean root, List<String> problems) {
        if (!node.isObject()) {
            return;
        }
        node.properties().forEach(f -> {
            String key = f.getKey();
            JsonNode value = f.getValue();
            switch (key) {
                case "type" -> {
                    if (!value.isTextual() || value.asText().equals("null")) {
                        problems.add(at + "/type is " + value);
                    }
                }
                case "$ref", "$defs", "$schema", "allOf", "oneOf", "not", "if", "then", "else" -> problems.add(
                        at + " has " + key);
                case "anyOf" -> {
                    // Only the root's choice between what a success and an error always have.
                    value.forEach(b -> {
                        if (!root || b.size() != 1 || !b.has("required")) {
                            problems.add(at + " has anyOf " + b);
                        }
                    });
                }
                case "properties" -> value.properties()
                        .forEach(p -> walk(p.getValue(), at + "/" + p.getKey(), false, problems));
                case "items" -> walk(value, at + "[]", false, problems);
                default -> {}
            }
        });
    }

    @Test
    void theErrorCodesAreTheOnesResultsUse() {
        List<String> listed = new ArrayList<>();
        SCHEMAS.schema("generate").at("/$defs/ToolError/properties/code/enum").forEach(c -> listed.add(c.asText()));
        assertThat(listed)
                .containsExactlyInAnyOrderElementsOf(
                        Arrays.stream(ToolResults.Code.values()).map(Enum::name).toList());
    }

    @Test
    void resultsLeaveOutNullFieldsButKeepWhatIsVerbatim() {
        ObjectNode raw = ToolJson.object().put("a", 1).putNull("b");
        raw.putObject("job").putNull("eta_seconds").put("job_id", "x");
        raw.putObject("input").putNull("multi_prompt");
        raw.putArray("logs").addObject().putNull("level").put("message", "m");
        ObjectNode clean = ToolResults.withoutNulls(raw.deepCopy());
        assertThat(clean.has("b")).isFalse();
        assertThat(clean.path("job").has("eta_seconds")).isFalse();
        assertThat(clean.at("/logs/0").has("level")).isFalse();
        assertThat(clean.path("input").has("multi_prompt"))
                .as("the model input as submitted")
                .isTrue();
    }
}
