package dev.klingmcp.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.testing.badinput.BadInputTable;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A table of bad inputs: each must fail with the offending field's path named, a type code, and a statement of what
 * is allowed, so that an agent can repair its call from the error alone.
 */
class BadInputsTest {

    private static final String PRO = "o3/pro/reference-to-video";

    /** The rows live in test-support's {@code bad-inputs.json}, which the contract tests also send through MCP. */
    static List<BadInputTable.Row> badInputs() {
        return BadInputTable.rows();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badInputs")
    void failsWithPathNamed(BadInputTable.Row row) {
        List<Violation> violations = InputValidator.forEndpoint(
                        FalEndpoints.load().require(row.model()), true)
                .validate(row.input());
        String json = row.inputJson();
        assertThat(violations)
                .as("violations of %s", json.length() > 200 ? json.substring(0, 200) : json)
                .anySatisfy(v -> {
                    assertThat(v.path()).isEqualTo(row.path());
                    assertThat(v.type()).isEqualTo(row.type());
                    assertThat(v.allowed() + " " + v.problem()).contains(row.allowed());
                    assertThat(v.toString()).startsWith(v.field() + ": ");
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notObjects")
    void nonObjectInputIsAViolationNotACrash(String json) throws Exception {
        List<Violation> violations = InputValidator.forEndpoint(
                        FalEndpoints.load().require(PRO), true)
                .validate(Json.MAPPER.readTree(json));
        assertThat(violations).singleElement().satisfies(v -> assertThat(v.path())
                .isEmpty());
    }

    static Stream<String> notObjects() {
        return Stream.of("[]", "\"prompt\"", "42", "null");
    }

    @org.junit.jupiter.api.Test
    void lenientModeIgnoresUnknownFieldsLikeFal() throws Exception {
        ObjectNode input = (ObjectNode) Json.MAPPER.readTree("{\"prompt\":\"a\",\"negative_prompt\":\"blur\"}");
        assertThat(InputValidator.forEndpoint(FalEndpoints.load().require(PRO), false)
                        .validate(input))
                .isEmpty();
    }

    @org.junit.jupiter.api.Test
    void aListSentAsAnObjectIsOneProblemNotTwo() throws Exception {
        ObjectNode input = (ObjectNode)
                Json.MAPPER.readTree(
                        "{\"prompt\":\"@Element1 walks\",\"elements\":"
                                + "{\"frontal_image_url\":\"https://a.example/f.png\",\"reference_image_urls\":[\"https://a.example/r.png\"]}}");
        assertThat(InputValidator.forEndpoint(FalEndpoints.load().require(PRO), true)
                        .validate(input))
                .singleElement()
                .satisfies(v -> assertThat(v.path()).isEqualTo("/elements"));
    }

    @org.junit.jupiter.api.Test
    void locFollowsFalsShape() {
        Violation v = Violation.of("/elements/1/video_url", "value_error", "p", "a");
        assertThat(v.loc()).containsExactly("body", "elements", 1, "video_url");
        assertThat(v.field()).isEqualTo("elements[1].video_url");
    }
}
