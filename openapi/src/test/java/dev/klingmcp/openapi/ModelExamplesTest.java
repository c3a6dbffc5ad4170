package dev.klingmcp.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ModelExamplesTest {

    private static final FalEndpoints REGISTRY = FalEndpoints.load();

    @Test
    void everyModelHasAnExampleItsOwnRulesAccept() {
        for (FalEndpoint e : REGISTRY.all()) {
            assertThat(ModelExamples.of(e)).as("examples of %s", e.shortName()).isNotEmpty();
            for (ObjectNode example : ModelExamples.of(e)) {
                assertThat(InputValidator.forEndpoint(e, true).validate(example))
                        .as("%s: %s", e.shortName(), example)
                        .isEmpty();
                example.properties().forEach(f -> assertThat(f.getValue().isNull())
                        .as("null field %s", f.getKey())
                        .isFalse());
            }
        }
    }

    /** The fix is needed (fal's own 4k example is refused) and is what makes it pass: elements the prompt names. */
    @Test
    void the4kExampleGetsTheElementsItsPromptNames() {
        FalEndpoint fourK = REGISTRY.require("o3/4k/reference-to-video");
        JsonNode published =
                OpenApiDocument.of(fourK).root().at("/components/schemas/" + fourK.inputComponent() + "/examples/0");
        assertThat(published.path("prompt").asText()).contains("@Element1").contains("@Element2");
        assertThat(InputValidator.forEndpoint(fourK, true).validate(published))
                .as("fal's published 4k example")
                .isNotEmpty();
        ObjectNode fixed = ModelExamples.of(fourK).get(0);
        assertThat(fixed.path("elements")).hasSize(2);
        assertThat(fixed.path("prompt").asText())
                .isEqualTo(published.path("prompt").asText());
    }

    @Test
    void theCallerGetsCopies() {
        FalEndpoint pro = REGISTRY.require("o3/pro/reference-to-video");
        ModelExamples.of(pro).get(0).put("prompt", "changed");
        assertThat(ModelExamples.of(pro).get(0).path("prompt").asText()).isNotEqualTo("changed");
    }
}
