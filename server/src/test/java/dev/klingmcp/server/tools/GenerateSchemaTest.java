package dev.klingmcp.server.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.openapi.SchemaDeriver;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerateSchemaTest {

    private static final FalEndpoints REGISTRY = FalEndpoints.load();

    private final ObjectNode schema = GenerateSchema.build(REGISTRY);

    private final Schema validator = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(schema);

    @Test
    void topLevelHoldsModelOptionsAndTheUnionOfEveryModelsFieldsAsDerived() {
        JsonNode props = schema.get("properties");
        assertThat(props.has("model")).isTrue();
        GenerateSchema.OPTIONS.forEach(o -> assertThat(props.has(o)).as(o).isTrue());
        for (FalEndpoint e : REGISTRY.all()) {
            ObjectNode derived = SchemaDeriver.inputSchema(e, true);
            derived.get("properties").fieldNames().forEachRemaining(f -> assertThat(props.has(f))
                    .as(e.shortName() + " " + f)
                    .isTrue());
            // Each derived field schema is there unchanged: in the model's rules, or at top level where it validates
            // the
            // same (descriptions aside). Nothing is retyped by hand.
            JsonNode rules = schema.at("/$defs/" + GenerateSchema.defName(e));
            derived.get("properties").properties().forEach(f -> {
                JsonNode own = rules.path("properties").get(f.getKey());
                if (own != null) {
                    assertThat(own).isEqualTo(f.getValue());
                } else {
                    assertThat(GenerateSchema.withoutAnnotations(props.get(f.getKey())))
                            .isEqualTo(GenerateSchema.withoutAnnotations(f.getValue()));
                }
            });
        }
        assertThat(props.get("model").get("enum")).hasSize(REGISTRY.all().size() * 2);
        assertThat(schema.get("required")).containsExactly(ToolJson.MAPPER.valueToTree("model"));
        assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void fieldsOnlySomeModelsTakeSayWhich() {
        assertThat(schema.at("/properties/aspect_ratio/description").asText())
                .contains("Only for:")
                .doesNotContain("o3/standard/image-to-video");
        assertThat(schema.at("/properties/image_url/description").asText())
                .contains("Only for: o3/standard/image-to-video");
        assertThat(schema.at("/properties/prompt/description").asText()).doesNotContain("Only for:");
    }

    @Test
    void aFieldFalDescribesDifferentlyPerModelKeepsEveryModelsWords() {
        // fal: pro allows 4 references in total with a video element, 4k allows 7; one text for both misleads 4k.
        String imageUrls = schema.at("/properties/image_urls/description").asText();
        assertThat(imageUrls)
                .contains("o3/pro/reference-to-video: Reference images for style/appearance.")
                .contains("Maximum 4 total (elements + reference images) when using video.")
                .contains("o3/4k/reference-to-video: Reference images for style/appearance.")
                .contains("Maximum 7 total (elements + reference images) is allowed.");
        assertThat(schema.at("/properties/end_image_url/description").asText())
                .contains("o3/standard/image-to-video: URL of the end frame image (optional).")
                .contains("o3/pro/reference-to-video, o3/4k/reference-to-video: Image to use as the last frame");
        // A rule fal's field texts do not state is said once, for the model it applies to.
        assertThat(schema.path("description").asText())
                .contains("o3/pro/reference-to-video takes")
                .containsOnlyOnce("(end_image_url only together with start_image_url)");
        assertThat(schema.at("/properties/prompt/description").asText())
                .isEqualTo(
                        "Text prompt for video generation. Either prompt or multi_prompt must be provided, but not both.");
    }

    @Test
    void everySeedExampleFromTheDocumentsIsValidForItsModel() {
        JsonNode examples = schema.get("examples");
        assertThat(examples).hasSizeGreaterThanOrEqualTo(REGISTRY.all().size());
        for (JsonNode example : examples) {
            assertThat(validator.validate(example)).as(example.toString()).isEmpty();
        }
    }

    @Test
    void perModelRulesRejectWhatTheModelDoesNotTake() {
        ObjectNode standard = ToolJson.object()
                .put("model", "o3/standard/image-to-video")
                .put("prompt", "walk")
                .put("image_url", "https://example.com/a.png");
        assertThat(validator.validate(standard)).isEmpty();
        assertThat(validator.validate(standard.deepCopy().put("aspect_ratio", "16:9")))
                .isNotEmpty();
        ObjectNode noImage = standard.deepCopy();
        noImage.remove("image_url");
        assertThat(validator.validate(noImage)).isNotEmpty();
        ObjectNode pro = ToolJson.object()
                .put("model", "fal-ai/kling-video/o3/pro/reference-to-video")
                .put("prompt", "x")
                .put("aspect_ratio", "9:16")
                .put("dry_run", true)
                .put("wait_seconds", 10);
        assertThat(validator.validate(pro)).isEmpty();
        assertThat(validator.validate(pro.deepCopy().put("wait_seconds", 51))).isNotEmpty();
        assertThat(validator.validate(pro.deepCopy().put("negative_prompt", "blur")))
                .isNotEmpty();
        assertThat(validator.validate(ToolJson.object().put("prompt", "no model")))
                .isNotEmpty();
    }

    @Test
    void fieldsOfListsTheDerivedPropertyNames() {
        FalEndpoint standard = REGISTRY.require("o3/standard/image-to-video");
        assertThat(GenerateSchema.fieldsOf(standard))
                .contains("image_url", "prompt", "duration")
                .doesNotContain("aspect_ratio", "elements", "start_image_url");
        assertThat(List.copyOf(GenerateSchema.fieldsOf(REGISTRY.require("o3/pro/reference-to-video"))))
                .contains("start_image_url", "elements", "image_urls");
    }
}
