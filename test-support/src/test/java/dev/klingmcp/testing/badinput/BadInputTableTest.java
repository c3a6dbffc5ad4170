package dev.klingmcp.testing.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BadInputTableTest {

    @Test
    void everyRowIsComplete() {
        assertThat(BadInputTable.rows()).hasSizeGreaterThanOrEqualTo(30).allSatisfy(row -> {
            assertThat(row.model()).startsWith("o3/");
            assertThat(row.path()).startsWith("/");
            assertThat(row.input().isEmpty() && !row.path().equals("/prompt"))
                    .as("an empty input can only miss the prompt: %s", row)
                    .isFalse();
        });
    }

    @Test
    void theLongPromptRowsAreOneOverFalsLimit() {
        assertThat(BadInputTable.rows())
                .filteredOn(row -> row.type().equals("string_too_long"))
                .isNotEmpty()
                .allSatisfy(
                        row -> assertThat(row.input().path("prompt").asText()).hasSize(2501));
    }
}
