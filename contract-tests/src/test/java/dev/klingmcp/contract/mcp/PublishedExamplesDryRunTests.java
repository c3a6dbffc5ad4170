package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ready-to-use example the server offers an agent is one {@code generate} takes: each model's examples in
 * {@code describe_models}, and the whole-call {@code examples} of {@code generate}'s published input schema in both
 * profiles, each sent back as a dry run. Every model should have at least one; for 4k that is a known failure
 * ({@link #NO_4K_EXAMPLE}). Dry runs need no fal, so the servers point at
 * a loopback address nothing listens on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublishedExamplesDryRunTests {

    /**
     * Known failure, kept visible: the server offers no 4k example generate accepts. Remove the {@code @Disabled}s
     * naming it once it does.
     */
    static final String NO_4K_EXAMPLE = "no 4k example generate accepts yet: fal's published 4k example prompts"
            + " @Element1/@Element2 but sends no elements, so generate refuses it and describe_models leaves 4k without"
            + " an example";

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
    @Disabled(NO_4K_EXAMPLE)
    void everyModelHasADescribeModelsExample() {
        for (FalEndpoint endpoint : FalEndpoints.load().all()) {
            assertThat(describedExamples().getOrDefault(endpoint.shortName(), List.of()))
                    .as("describe_models examples of %s", endpoint.shortName())
                    .isNotEmpty();
        }
    }

    @Test
    void everyExampleOfGeneratesDefaultSchemaIsAccepted() {
        // Today's default profile still publishes fal's 4k example, which generate refuses (see NO_4K_EXAMPLE); the
        // portable profile states examples in descriptions instead.
        Assumptions.assumeTrue(SchemaProfiles.offered(), SchemaProfiles.NOT_YET);
        McpSession mcp = server("default-profile");
        assertThat(schemaExamplesRefused(mcp)).isEmpty();
    }

    @Test
    @Disabled(NO_4K_EXAMPLE)
    void everyExampleOfGeneratesFullSchemaIsAcceptedAndEveryModelHasOne() {
        Assumptions.assumeTrue(SchemaProfiles.offered(), SchemaProfiles.NOT_YET);
        McpSession mcp = server("full-profile", "--set", SchemaProfiles.FULL);
        assertThat(schemaExamplesRefused(mcp)).isEmpty();
        List<String> models = new ArrayList<>();
        ToolCall.JSON
                .<JsonNode>valueToTree(mcp.tool("generate").inputSchema())
                .path("examples")
                .forEach(e -> models.add(e.path("model").asText()));
        assertThat(models)
                .as("models with an example in the full schema")
                .containsAll(FalEndpoints.load().all().stream()
                        .map(FalEndpoint::shortName)
                        .toList());
    }

    private List<String> schemaExamplesRefused(McpSession mcp) {
        JsonNode schema = ToolCall.JSON.valueToTree(mcp.tool("generate").inputSchema());
        List<String> refused = new ArrayList<>();
        for (JsonNode example : schema.path("examples")) {
            refused.addAll(dryRun(mcp, "generate's inputSchema", example));
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
