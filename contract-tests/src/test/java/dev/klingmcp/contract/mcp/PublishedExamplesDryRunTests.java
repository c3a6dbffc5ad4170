package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ready-to-use example the server offers an agent is one {@code generate} takes: each model's examples in
 * {@code describe_models}, the whole-call examples of {@code generate}'s published input schema in both profiles
 * ({@code examples} in the full profile; "Example: {…}" in the schema's description in the portable default, which
 * has no {@code examples} keyword), each sent back as a dry run. Every model has at least one in each place, and an
 * example whose prompt names {@code @ElementN} sends at least N elements. Dry runs need no fal, so the servers point at
 * a loopback address nothing listens on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublishedExamplesDryRunTests {

    private static final Pattern ELEMENT = Pattern.compile("@Element(\\d+)");

    private final List<StdioServer> servers = new ArrayList<>();

    private McpSession describeServer;

    private Map<String, List<JsonNode>> described;

    private Path root;

    @BeforeAll
    void check(@TempDir Path tempDir) {
        ServerCommand.assumeServerBuilt();
        root = tempDir;
    }

    @AfterAll
    void stopServers() {
        servers.forEach(StdioServer::close);
    }

    private McpSession server(String name, String... options) {
        ServerSetup setup = ServerSetup.under(root.resolve(name), "http://127.0.0.1:9", SecretScan.FAL_KEY);
        StdioServer server = StdioServer.start(setup, new Recorder(root.resolve(name + "-stderr.log")), options);
        servers.add(server);
        return server.session();
    }

    /** What describe_models offers, per model: its examples. */
    private synchronized Map<String, List<JsonNode>> describedExamples() {
        if (described == null) {
            describeServer = server("describe");
            ToolCall call = describeServer.call("describe_models", Map.of());
            assertThat(call.isError()).as("%s", call).isFalse();
            described = new LinkedHashMap<>();
            for (JsonNode model : call.at("/models")) {
                List<JsonNode> examples = new ArrayList<>();
                model.path("examples").forEach(examples::add);
                described.put(model.path("short_name").asText(), examples);
            }
        }
        return described;
    }

    @Test
    void everyDescribeModelsExampleIsAccepted() {
        List<String> refused = new ArrayList<>();
        describedExamples()
                .forEach((model, examples) -> examples.forEach(
                        example -> refused.addAll(dryRun(describeServer, "describe_models " + model, example))));
        assertThat(describedExamples().values().stream().mapToInt(List::size).sum())
                .as("examples in describe_models")
                .isPositive();
        assertThat(refused).as("describe_models examples generate refused").isEmpty();
    }

    @Test
    void everyModelHasADescribeModelsExample() {
        for (FalEndpoint endpoint : FalEndpoints.load().all()) {
            List<JsonNode> examples = describedExamples().getOrDefault(endpoint.shortName(), List.of());
            assertThat(examples)
                    .as("describe_models examples of %s", endpoint.shortName())
                    .isNotEmpty();
            examples.forEach(PublishedExamplesDryRunTests::assertSendsTheElementsItsPromptNames);
        }
    }

    @Test
    void everyExampleInTheDefaultSchemasDescriptionIsAcceptedAndEveryModelHasOne() {
        McpSession mcp = server("default-profile");
        JsonNode schema = ToolCall.JSON.valueToTree(mcp.tool("generate").inputSchema());
        assertThat(schema.has("examples"))
                .as("the portable profile has no examples keyword")
                .isFalse();
        List<JsonNode> examples = examplesInText(schema.path("description").asText());
        assertEveryModelHasOne(examples, "generate's description in the default profile");
        assertThat(refused(mcp, "generate's description (default profile)", examples))
                .isEmpty();
    }

    @Test
    void everyExampleOfGeneratesFullSchemaIsAcceptedAndEveryModelHasOne() {
        McpSession mcp = server("full-profile", "--set", SchemaProfiles.FULL);
        JsonNode schema = ToolCall.JSON.valueToTree(mcp.tool("generate").inputSchema());
        List<JsonNode> examples = new ArrayList<>();
        schema.path("examples").forEach(examples::add);
        assertEveryModelHasOne(examples, "generate's examples in the full profile");
        assertThat(refused(mcp, "generate's inputSchema examples (full profile)", examples))
                .isEmpty();
    }

    /** Every {@code Example: {…}} of a description, parsed as the JSON object an agent would copy. */
    static List<JsonNode> examplesInText(String description) {
        List<JsonNode> out = new ArrayList<>();
        int at = description.indexOf("Example: {");
        while (at >= 0) {
            int start = at + "Example: ".length();
            try (JsonParser parser = ToolCall.JSON.getFactory().createParser(description.substring(start))) {
                out.add(parser.readValueAsTree());
            } catch (IOException e) {
                throw new AssertionError(
                        "an example in the description is not JSON: " + description.substring(start), e);
            }
            at = description.indexOf("Example: {", start);
        }
        return out;
    }

    private static void assertEveryModelHasOne(List<JsonNode> examples, String where) {
        List<String> models = new ArrayList<>();
        examples.forEach(e -> models.add(e.path("model").asText()));
        assertThat(models)
                .as("models with an example in %s", where)
                .containsAll(FalEndpoints.load().all().stream()
                        .map(FalEndpoint::shortName)
                        .toList());
        examples.forEach(PublishedExamplesDryRunTests::assertSendsTheElementsItsPromptNames);
    }

    /** An example prompting {@code @Element2} sends at least two elements. */
    private static void assertSendsTheElementsItsPromptNames(JsonNode example) {
        Matcher m = ELEMENT.matcher(example.path("prompt").asText(""));
        int highest = 0;
        while (m.find()) {
            highest = Math.max(highest, Integer.parseInt(m.group(1)));
        }
        assertThat(example.path("elements").size())
                .as("elements sent by %s", example)
                .isGreaterThanOrEqualTo(highest);
    }

    private static List<String> refused(McpSession mcp, String source, List<JsonNode> examples) {
        List<String> refused = new ArrayList<>();
        for (JsonNode example : examples) {
            refused.addAll(dryRun(mcp, source, example));
        }
        return refused;
    }

    /** The example as a dry run; empty when generate accepted it, else one line saying where it came from and why. */
    private static List<String> dryRun(McpSession mcp, String source, JsonNode example) {
        ObjectNode arguments = example.deepCopy();
        arguments.put("dry_run", true);
        ToolCall call = mcp.call("generate", McpContractSuite.args(arguments));
        if (call.isError() || !call.at("/dry_run").asBoolean()) {
            return List.of(source + ": " + example + " -> " + call);
        }
        return List.of();
    }
}
