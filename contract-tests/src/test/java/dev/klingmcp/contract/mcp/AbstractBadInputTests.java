package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.testing.badinput.BadInputTable;
import dev.klingmcp.testing.badinput.BadInputTable.Row;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input never costs money: every row of the foundation's bad-input table, the seed examples that break a rule,
 * and the cross-field cases come back from {@code generate} as {@code isError} results naming the field's path,
 * while mock-fal's control API shows zero submits. The other names agents send (other providers' {@code tail_image_url} and
 * {@code input_image}, a number for {@code duration}) are the exception: accepted with a warning.
 */
abstract class AbstractBadInputTests extends McpContractSuite {

    /** Rows the server turns into warnings instead of errors: {@code path -> the name fal uses}. */
    static final Map<String, String> ALIASES =
            Map.of("/tail_image_url", "end_image_url", "/input_image", "image_urls", "/duration", "duration");

    static Stream<Row> refusedRows() {
        return BadInputTable.rows().stream().filter(row -> !isAlias(row));
    }

    static Stream<Row> aliasRows() {
        return BadInputTable.rows().stream().filter(AbstractBadInputTests::isAlias);
    }

    /** An alias row: a known other name, or a whole number where fal wants the duration string. */
    static boolean isAlias(Row row) {
        if (!ALIASES.containsKey(row.path())) {
            return false;
        }
        if (!row.path().equals("/duration")) {
            return true;
        }
        JsonNode duration = row.input().path("duration");
        return duration.isIntegralNumber();
    }

    static Stream<SeedInputs> invalidSeeds() {
        return SeedInputs.ruleBreaking().stream();
    }

    @Test
    void theWholeTableIsRead() {
        assertThat(BadInputTable.rows()).hasSizeGreaterThanOrEqualTo(30);
        assertThat(refusedRows().count() + aliasRows().count())
                .isEqualTo(BadInputTable.rows().size());
    }

    @Test
    void issueFoursCrossFieldCasesAreInTheTable() {
        List<String> cases = BadInputTable.rows().stream()
                .map(r -> r.model() + " " + r.path() + " " + r.inputJson())
                .toList();
        assertThat(cases).as("both prompt and multi_prompt").anyMatch(c -> c.contains("/multi_prompt {\"prompt\""));
        assertThat(cases).as("8 references on 4k").anyMatch(c -> c.startsWith("o3/4k") && c.contains(" /image_urls "));
        assertThat(cases).as("2 video elements").anyMatch(c -> c.contains("/elements/1/video_url"));
        assertThat(cases).as("@Element3 with two elements").anyMatch(c -> c.contains("@Element3"));
        assertThat(cases).as("negative_prompt").anyMatch(c -> c.contains("/negative_prompt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedRows")
    void badInputIsRefusedWithItsPathAndNothingIsSubmitted(Row row) {
        ObjectNode arguments = row.input().put("model", row.model());
        ToolCall call = refusedWithoutSubmit(arguments);
        assertThat(call.problemPaths()).as("%s", call).contains(row.path());
        JsonNode problem = problemAt(call, row.path());
        assertThat(problem.path("problem").asText() + " "
                        + problem.path("allowed").asText())
                .as("what is wrong / allowed at %s", row.path())
                .contains(row.allowed());
        String field = row.path().substring(1).replaceAll("/(\\d+)", "[$1]").replace('/', '.');
        assertThat(call.text()).as("the text a model reads names the field").containsAnyOf(row.path(), field);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSeeds")
    void seedExamplesThatBreakARuleAreRefusedWithoutSubmit(SeedInputs seed) {
        ToolCall call = refusedWithoutSubmit(seed.generateArguments());
        assertThat(call.problemPaths()).as("%s", call).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("aliasRows")
    void otherNamesAgentsSendAreAcceptedWithAWarning(Row row) {
        ObjectNode arguments = row.input().put("model", row.model()).put("dry_run", true);
        long before = submitAttempts();
        ToolCall call = mcp.call("generate", args(arguments));
        assertThat(call.isError()).as("%s", call).isFalse();
        String name = row.path().substring(1);
        assertThat(call.at("/warnings").toString()).as("warning about %s", name).contains(name);
        assertThat(call.at("/input").has(ALIASES.get(row.path())))
                .as("%s renamed in %s", name, call)
                .isTrue();
        assertThat(call.at("/input/duration").isMissingNode()
                        || call.at("/input/duration").isTextual())
                .as("duration sent to fal as its string enum")
                .isTrue();
        assertThat(submitAttempts()).isEqualTo(before);
    }

    @Test
    void unknownModelAndNonObjectFieldsAreErrorsNotCrashes() {
        refusedWithoutSubmit(parse("{\"model\":\"o3/ultra/text-to-video\",\"prompt\":\"a\"}"));
        refusedWithoutSubmit(parse("{\"prompt\":\"a\"}"));
        ToolCall wait = refusedWithoutSubmit(
                parse("{\"model\":\"o3/pro/reference-to-video\",\"prompt\":\"a\",\"wait_seconds\":600}"));
        assertThat(wait.problemPaths()).contains("/wait_seconds");
        ToolCall status = mcp.call("status", Map.of("job_id", 42));
        assertThat(status.isError()).as("%s", status).isTrue();
    }

    /** Calls {@code generate} and checks the outcome is a tool error with problems, and that mock-fal saw no submit. */
    ToolCall refusedWithoutSubmit(ObjectNode arguments) {
        long before = submitAttempts();
        ToolCall call = mcp.call("generate", args(arguments));
        assertThat(call.isError()).as("isError for %s: %s", arguments, call).isTrue();
        assertThat(call.at("/error/code").asText()).as("%s", call).isEqualTo("invalid_input");
        assertThat(submitAttempts())
                .as("submits seen by mock-fal for bad input")
                .isEqualTo(before);
        return call;
    }

    static JsonNode problemAt(ToolCall call, String path) {
        for (JsonNode problem : call.at("/error/problems")) {
            if (problem.path("path").asText().equals(path)) {
                return problem;
            }
        }
        throw new AssertionError("no problem at " + path + " in " + call);
    }

    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) ToolCall.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
