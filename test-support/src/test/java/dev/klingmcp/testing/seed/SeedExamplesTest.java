package dev.klingmcp.testing.seed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeedExamplesTest {

    @Test
    void everyTranscribedExampleIsReadInNameOrder() {
        assertThat(SeedExamples.all())
                .hasSize(12)
                .allSatisfy(example -> {
                    assertThat(example.model()).startsWith("o3/");
                    assertThat(example.source()).startsWith("seed ");
                })
                .extracting(SeedExamples.Example::name)
                .isSorted()
                .contains("000-pro-input-example", "004-4k-js-multi-shot");
    }

    @Test
    void theInputHandedOutIsACopy() {
        SeedExamples.Example example = SeedExamples.all().get(0);
        example.input().put("prompt", "changed");
        assertThat(example.input().path("prompt").asText()).isNotEqualTo("changed");
    }
}
