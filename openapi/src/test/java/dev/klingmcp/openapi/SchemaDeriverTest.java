package dev.klingmcp.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaDeriverTest {

    private static final FalEndpoint PRO = FalEndpoints.load().require("o3/pro/reference-to-video");

    @Test
    void changingAnEnumInTheDocumentChangesTheDerivedSchema() throws Exception {
        ObjectNode root = (ObjectNode) OpenApiDocument.of(PRO).root().deepCopy();
        ArrayNode ratios = (ArrayNode)
                root.at("/components/schemas/KlingVideoO3ProReferenceToVideoInput/properties/aspect_ratio/enum");
        ratios.add("4:3");
        OpenApiDocument edited = OpenApiDocument.of("edited", root);

        ObjectNode shipped = SchemaDeriver.inputSchema(PRO, true);
        ObjectNode derived = SchemaDeriver.schemaFor(edited, PRO.inputComponent(), true);

        assertThat(shipped.at("/properties/aspect_ratio/enum").toString()).doesNotContain("4:3");
        assertThat(derived.at("/properties/aspect_ratio/enum").toString()).contains("4:3");
        JsonNode input = Json.MAPPER.readTree("{\"prompt\":\"a\",\"aspect_ratio\":\"4:3\"}");
        assertThat(InputValidator.forEndpoint(PRO, true).validate(input))
                .extracting(Violation::path)
                .containsExactly("/aspect_ratio");
        assertThat(InputValidator.of(PRO, derived).validate(input)).isEmpty();
    }

    @Test
    void referencesBecomeDefsAndEverythingReachedIsCopied() {
        ObjectNode schema = SchemaDeriver.inputSchema(PRO, true);
        assertThat(schema.get("$schema").asText()).isEqualTo(SchemaDeriver.DIALECT);
        assertThat(schema.get("$defs").has("KlingV3MultiPromptElement")).isTrue();
        assertThat(schema.get("$defs").has("KlingV3ComboElementInput")).isTrue();
        assertThat(schema.toString())
                .doesNotContain("#/components/")
                .doesNotContain("x-fal")
                .doesNotContain("\"ui\"");
        assertThat(schema.at("/properties/elements/anyOf/0/items/$ref").asText())
                .isEqualTo("#/$defs/KlingV3ComboElementInput");
    }

    @Test
    void strictClosesEveryObjectAndLenientDoesNot() {
        ObjectNode strict = SchemaDeriver.inputSchema(PRO, true);
        ObjectNode lenient = SchemaDeriver.inputSchema(PRO, false);
        assertThat(strict.get("additionalProperties").asBoolean(true)).isFalse();
        assertThat(strict.at("/$defs/KlingV3ComboElementInput/additionalProperties")
                        .asBoolean(true))
                .isFalse();
        assertThat(lenient.has("additionalProperties")).isFalse();
    }

    @Test
    void openApiNullableBecomesANullType() {
        OpenApiDocument doc = OpenApiDocument.of(PRO);
        ObjectNode status = SchemaDeriver.schemaFor(doc, "QueueStatus", false);
        assertThat(status.at("/properties/queue_position/type").toString()).isEqualTo("[\"integer\",\"null\"]");
        assertThat(status.at("/properties/logs/type").toString()).isEqualTo("[\"array\",\"null\"]");
        assertThat(status.toString()).doesNotContain("nullable");
    }

    @Test
    void nullableRefIsWrappedInAnyOf() throws Exception {
        ObjectNode root = (ObjectNode)
                Json.MAPPER.readTree(
                        """
				{"components":{"schemas":{
				  "A":{"type":"object","properties":{"b":{"$ref":"#/components/schemas/B","nullable":true,"description":"d"},
				       "e":{"type":"string","enum":["x"],"nullable":true,"example":"x"}}},
				  "B":{"type":"string"}}}}""");
        ObjectNode a = SchemaDeriver.schemaFor(OpenApiDocument.of("t", root), "A", false);
        assertThat(a.at("/properties/b/anyOf/1/type").asText()).isEqualTo("null");
        assertThat(a.at("/properties/b/description").asText()).isEqualTo("d");
        assertThat(a.at("/properties/e/enum").toString()).isEqualTo("[\"x\",null]");
        assertThat(a.at("/properties/e/examples/0").asText()).isEqualTo("x");
    }

    @Test
    void binaryFileAlternativeCollapsesToAString() {
        FalEndpoint standard = FalEndpoints.load().require("o3/standard/image-to-video");
        ObjectNode schema = SchemaDeriver.inputSchema(standard, true);
        JsonNode imageUrl = schema.at("/properties/image_url");
        assertThat(imageUrl.get("type").asText()).isEqualTo("string");
        assertThat(imageUrl.has("anyOf")).isFalse();
        assertThat(imageUrl.get("description").asText())
                .contains("URL of the start frame image.")
                .contains("Max file size: 10.0MB");
        assertThat(schema.get("required").toString()).isEqualTo("[\"image_url\"]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"o3/pro/reference-to-video", "o3/4k/reference-to-video", "o3/standard/image-to-video"})
    void everyDerivedSchemaIsAValid202012Schema(String model) {
        FalEndpoint endpoint = FalEndpoints.load().require(model);
        JsonNode metaSchemaCheck = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                        .getSchema(SchemaLocation.of(SchemaDeriver.DIALECT))
                        .validate(SchemaDeriver.inputSchema(endpoint, true))
                        .isEmpty()
                ? Json.MAPPER.getNodeFactory().booleanNode(true)
                : null;
        assertThat(metaSchemaCheck).isNotNull();
        assertThat(SchemaDeriver.outputSchema(endpoint).at("/required/0").asText())
                .isEqualTo("video");
    }

    @Test
    void unknownComponentNamesTheDocumentAndWhatItHas() {
        assertThatThrownBy(() -> SchemaDeriver.schemaFor(OpenApiDocument.of(PRO), "Nope", true))
                .hasMessageContaining("Nope")
                .hasMessageContaining("QueueStatus");
    }
}
