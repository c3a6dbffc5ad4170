package dev.klingmcp.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.testing.seed.SeedExamples;
import dev.klingmcp.testing.seed.SeedExamples.Example;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every request example printed in the seed pages (000, 002, 003, 004 including 004's JavaScript examples, transcribed
 * into test-support) validates against its endpoint's derived strict schema. The cross-field rules then judge the
 * examples as the server would; the few examples that break a rule fal states in prose are named here with the rule.
 */
class SeedExamplesTest {

    /** Examples that are schema-valid but break a rule from fal's field descriptions, and the path that says so. */
    private static final Map<String, String> EXPECTED_RULE_VIOLATIONS = Map.of(
            // "Required Parameters Example: {}" - no prompt: fal says "Either prompt or multi_prompt must be provided".
            "000-pro-python-quickstart",
            "/prompt",
            "003-4k-required-parameters",
            "/prompt",
            // The quick start animates only the start frame; it shows no prompt either.
            "002-standard-python-quickstart",
            "/prompt",
            // Seed 004's multi-shot example gives two video elements, while fal's field doc says "A request can only
            // have one element with a video".
            "004-4k-js-multi-shot",
            "/elements/1/video_url",
            // These examples mention @Element1 and @Element2 but send no elements.
            "004-4k-curl-and-python",
            "/prompt",
            "003-4k-full-example",
            "/prompt");

    /** The examples live in test-support, which the contract tests read them from too. */
    static List<Example> examples() {
        return SeedExamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void validatesAgainstDerivedSchema(Example example) {
        FalEndpoint endpoint = FalEndpoints.load().require(example.model());
        InputValidator validator = InputValidator.forEndpoint(endpoint, true);
        assertThat(validator.schemaViolations(example.input()))
                .as(example.name())
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void crossFieldRulesJudgeTheExamples(Example example) {
        FalEndpoint endpoint = FalEndpoints.load().require(example.model());
        List<Violation> violations = InputValidator.forEndpoint(endpoint, true).validate(example.input());
        String expected = EXPECTED_RULE_VIOLATIONS.get(example.name());
        if (expected == null) {
            assertThat(violations).as(example.name()).isEmpty();
        } else {
            assertThat(violations)
                    .as(example.name())
                    .extracting(Violation::path)
                    .containsExactly(expected);
        }
    }
}
