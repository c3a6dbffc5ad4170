package dev.klingmcp.server.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.tools.InputNormalizer.Normalized;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InputNormalizerTest {

    private static final FalEndpoints REGISTRY = FalEndpoints.load();

    private static final Set<String> STANDARD = GenerateSchema.fieldsOf(REGISTRY.require("o3/standard/image-to-video"));

    private static final Set<String> PRO = GenerateSchema.fieldsOf(REGISTRY.require("o3/pro/reference-to-video"));

    @Test
    void seed001NamesAreRenamedWithAWarningEach() {
        ObjectNode in = ToolJson.object().put("prompt", "x").put("tail_image_url", "https://e.com/end.png");
        in.putArray("input_image").add("https://e.com/style.png");
        Normalized n = InputNormalizer.normalize(in, PRO);
        assertThat(n.input().has("tail_image_url")).isFalse();
        assertThat(n.input().get("end_image_url").asText()).isEqualTo("https://e.com/end.png");
        assertThat(n.input().get("image_urls").get(0).asText()).isEqualTo("https://e.com/style.png");
        assertThat(n.warnings())
                .extracting(InputNormalizer.Warning::path)
                .containsExactlyInAnyOrder("/end_image_url", "/image_urls");
        assertThat(n.violations()).isEmpty();
        assertThat(in.has("tail_image_url"))
                .as("the caller's input is not modified")
                .isTrue();
    }

    @Test
    void startImageUrlBecomesImageUrlOnlyWhereTheModelLacksIt() {
        ObjectNode in = ToolJson.object().put("start_image_url", "https://e.com/a.png");
        Normalized standard = InputNormalizer.normalize(in, STANDARD);
        assertThat(standard.input().get("image_url").asText()).isEqualTo("https://e.com/a.png");
        assertThat(standard.warnings())
                .singleElement()
                .extracting(InputNormalizer.Warning::path)
                .isEqualTo("/image_url");

        Normalized pro = InputNormalizer.normalize(in, PRO);
        assertThat(pro.input().get("start_image_url").asText()).isEqualTo("https://e.com/a.png");
        assertThat(pro.warnings()).isEmpty();
    }

    @Test
    void anAliasForAFieldTheModelLacksIsExplainedNotJustUnknown() {
        ObjectNode in = ToolJson.object().put("prompt", "x");
        in.putArray("input_image").add("https://e.com/a.png");
        Normalized n = InputNormalizer.normalize(in, STANDARD);
        assertThat(n.input().has("input_image"))
                .as("reported once, here, not again as unknown")
                .isFalse();
        assertThat(n.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("/input_image");
            assertThat(v.problem()).contains("reference images", "image_urls", "does not take");
            assertThat(v.allowed()).contains("image_url", "end_image_url", "prompt");
        });
    }

    @Test
    void aliasAndRealNameTogetherIsAProblem() {
        ObjectNode in = ToolJson.object().put("tail_image_url", "a").put("end_image_url", "b");
        Normalized n = InputNormalizer.normalize(in, PRO);
        assertThat(n.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("/tail_image_url");
            assertThat(v.allowed()).contains("end_image_url");
        });
    }

    @Test
    void wholeNumberDurationsBecomeFalStrings() {
        ObjectNode in = ToolJson.object().put("duration", 8);
        in.putArray("multi_prompt").addObject().put("prompt", "a").put("duration", 3.0);
        Normalized n = InputNormalizer.normalize(in, PRO);
        assertThat(n.input().get("duration").isTextual()).isTrue();
        assertThat(n.input().get("duration").asText()).isEqualTo("8");
        assertThat(n.input().at("/multi_prompt/0/duration").asText()).isEqualTo("3");
        assertThat(n.warnings())
                .extracting(InputNormalizer.Warning::path)
                .containsExactly("/duration", "/multi_prompt/0/duration");
        Normalized fractional = InputNormalizer.normalize(ToolJson.object().put("duration", 7.5), PRO);
        assertThat(fractional.input().get("duration").isNumber())
                .as("left for the validator")
                .isTrue();
        assertThat(fractional.warnings()).isEmpty();
    }

    @Test
    void negativePromptIsRefusedWithAnExplanation() {
        Normalized n =
                InputNormalizer.normalize(ToolJson.object().put("prompt", "x").put("negative_prompt", "blur"), PRO);
        assertThat(n.input().has("negative_prompt")).isFalse();
        assertThat(n.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("/negative_prompt");
            assertThat(v.problem()).contains("no negative_prompt");
            assertThat(v.allowed()).contains("Constraints");
        });
    }

    @Test
    void standardsImageUrlOnAReferenceModelNamesTheTwoFieldsItMayMean() {
        Normalized n = InputNormalizer.normalize(
                ToolJson.object().put("prompt", "x").put("image_url", "https://a.example/f.png"), PRO);
        assertThat(n.input().has("image_url")).isFalse();
        assertThat(n.input().has("start_image_url")).as("not guessed").isFalse();
        assertThat(n.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("/image_url");
            assertThat(v.problem()).contains("no image_url");
            assertThat(v.allowed()).contains("start_image_url").contains("image_urls");
        });
        assertThat(InputNormalizer.normalize(
                                ToolJson.object().put("prompt", "x").put("image_url", "https://a.example/f.png"),
                                STANDARD)
                        .violations())
                .isEmpty();
    }
}
