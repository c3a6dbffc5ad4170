package dev.klingmcp.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FalEndpointsTest {

    private final FalEndpoints registry = FalEndpoints.load();

    @Test
    void findsByFullIdOrShortName() {
        FalEndpoint pro = registry.require("fal-ai/kling-video/o3/pro/reference-to-video");
        assertThat(registry.find("o3/pro/reference-to-video")).contains(pro);
        assertThat(registry.find(" /O3/PRO/reference-to-video/ ")).contains(pro);
        assertThat(pro.appId()).isEqualTo("fal-ai/kling-video");
        assertThat(pro.app()).isEqualTo("kling-video");
        assertThat(pro.shortName()).isEqualTo("o3/pro/reference-to-video");
    }

    @Test
    void unknownModelListsTheAcceptedNames() {
        assertThatThrownBy(() -> registry.require("kling-v2")).hasMessageContaining("o3/4k/reference-to-video");
    }

    @Test
    void everyEntryPointsAtItsDocumentAndComponents() {
        assertThat(registry.all()).hasSize(3).allSatisfy(e -> {
            OpenApiDocument doc = OpenApiDocument.of(e);
            assertThat(doc.hasComponent(e.inputComponent())).isTrue();
            assertThat(doc.hasComponent(e.outputComponent())).isTrue();
            assertThat(doc.root().at("/info/x-fal-metadata/endpointId").asText())
                    .isEqualTo(e.id());
            assertThat(e.pricing().perSecond(false)).isPositive();
            assertThat(e.timing().runSeconds(10)).isEqualTo(e.timing().runSecondsPer5s() * 2);
        });
    }

    @Test
    void defaultPricesMatchTheIssue() {
        assertThat(registry.require("o3/standard/image-to-video").pricing().perSecond(false))
                .isEqualTo(0.084);
        assertThat(registry.require("o3/standard/image-to-video").pricing().perSecond(true))
                .isEqualTo(0.112);
        assertThat(registry.require("o3/pro/reference-to-video").pricing().perSecond(true))
                .isEqualTo(0.224);
        assertThat(registry.require("o3/4k/reference-to-video").pricing().perSecond(false))
                .isEqualTo(0.42);
    }
}
