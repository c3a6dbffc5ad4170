package dev.klingmcp.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.server.config.ToolSchemaProfile;
import dev.klingmcp.server.testing.FakeJobService;
import dev.klingmcp.server.testing.McpSession;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator.ValidationResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The check the SDK would run on every start ({@link PrecheckedSchemaValidator} skips it there): every tool's input and
 * output schema, exactly as tools/list serves it, conforms to the JSON Schema 2020-12 meta-schema, judged by the SDK's
 * own validator.
 */
@Timeout(60)
class ToolSchemasConformTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(ToolSchemaProfile.class)
    void everyServedToolSchemaConformsToTheMetaSchema(ToolSchemaProfile profile) {
        JsonSchemaValidator sdk = McpJsonDefaults.getSchemaValidator();
        try (McpSession mcp = new McpSession(new FakeJobService(tmp), s -> s, profile)) {
            JsonNode tools = mcp.request("tools/list", null).at("/result/tools");
            assertThat(tools).hasSize(7);
            for (JsonNode tool : tools) {
                for (String kind : new String[] {"inputSchema", "outputSchema"}) {
                    JsonNode schema = tool.get(kind);
                    assertThat(schema).as(tool.get("name") + " " + kind).isNotNull();
                    // A schema naming another dialect would be waved through by the SDK's check: the full profile's
                    // name 2020-12, the portable ones leave $schema out and fall to the SDK's default, 2020-12.
                    assertThat(schema.path("$schema").asText())
                            .isEqualTo(
                                    profile == ToolSchemaProfile.FULL
                                            ? "https://json-schema.org/draft/2020-12/schema"
                                            : "");
                    ValidationResponse verdict = sdk.validateSchema(JSON.convertValue(schema, MAP));
                    assertThat(verdict.valid())
                            .as(tool.get("name") + " " + kind + ": " + verdict.errorMessage())
                            .isTrue();
                }
            }
        }
    }

    @Test
    void theCheckRejectsABrokenSchema() {
        Map<String, Object> broken = Map.of(
                "$schema",
                "https://json-schema.org/draft/2020-12/schema",
                "type",
                "object",
                "properties",
                Map.of("n", Map.of("type", 5, "minimum", "zero")));
        assertThat(McpJsonDefaults.getSchemaValidator().validateSchema(broken).valid())
                .isFalse();
        assertThat(new PrecheckedSchemaValidator().validateSchema(broken).valid())
                .isTrue();
    }

    @Test
    void instancesAreStillValidatedByTheSdkDefault() {
        Map<String, Object> schema = Map.of(
                "type",
                "object",
                "required",
                java.util.List.of("n"),
                "properties",
                Map.of("n", Map.of("type", "integer")));
        PrecheckedSchemaValidator v = new PrecheckedSchemaValidator();
        assertThat(v.validate(schema, Map.of("n", 3)).valid()).isTrue();
        assertThat(v.validate(schema, Map.of("n", "three")).valid()).isFalse();
    }
}
