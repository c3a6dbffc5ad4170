package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.tools.GenerateSchema;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every input schema the server publishes in {@code tools/list}, judged by the rules of the places agents hand it to
 * ({@link FunctionCallingDialects}: OpenAI non-strict and strict, Gemini's {@code parameters}, and the portable subset
 * the default profile promises), plus the {@code full} profile ({@code --set tools.schema-profile=full}) still
 * publishing the complete JSON Schema 2020-12 composition. Two real servers over stdio, one per profile; neither needs
 * fal (listing tools calls nothing).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublishedSchemaSubsetTests {

    private final List<StdioServer> servers = new ArrayList<>();

    /** Tool name -> inputSchema, as the default profile lists them. */
    private Map<String, JsonNode> published;

    private Path root;

    @BeforeAll
    void listTheDefaultProfile(@TempDir Path tempDir) {
        ServerCommand.assumeServerBuilt();
        root = tempDir;
        published = inputSchemas("default");
        assertThat(published).as("tools in the default profile").containsKeys("generate", "describe_models");
    }

    @AfterAll
    void stopServers() {
        servers.forEach(StdioServer::close);
    }

    private Map<String, JsonNode> inputSchemas(String name, String... options) {
        // No fal is contacted to list tools; the base URL only has to be a loopback address.
        ServerSetup setup = ServerSetup.under(root.resolve(name), "http://127.0.0.1:9", SecretScan.FAL_KEY);
        StdioServer server = StdioServer.start(setup, new Recorder(root.resolve(name + "-stderr.log")), options);
        servers.add(server);
        Map<String, JsonNode> schemas = new LinkedHashMap<>();
        for (Tool tool : server.session().tools()) {
            schemas.put(tool.name(), ToolCall.JSON.valueToTree(tool.inputSchema()));
        }
        return schemas;
    }

    private static List<String> problems(
            Map<String, JsonNode> schemas, BiFunction<String, JsonNode, List<String>> dialect) {
        List<String> all = new ArrayList<>();
        schemas.forEach((tool, schema) -> all.addAll(dialect.apply(tool, schema)));
        return all;
    }

    @Test
    void defaultProfileIsThePortableSubset() {
        assertThat(problems(published, FunctionCallingDialects::portable)).isEmpty();
    }

    @Test
    void openAiTakesEveryToolAsItIsWithoutStrictMode() {
        assertThat(problems(published, FunctionCallingDialects::openAiNonStrict))
                .isEmpty();
    }

    @Test
    void openAiStrictModeTakesEveryToolOnceAClientClosedItsObjects() {
        assertThat(problems(published, FunctionCallingDialects::openAiStrictAfterConversion))
                .isEmpty();
    }

    @Test
    void geminiTakesEveryToolAsItIs() {
        assertThat(problems(published, FunctionCallingDialects::geminiParameters))
                .isEmpty();
    }

    @Test
    void theDefaultProfileStillOffersEveryModelAndEveryField() {
        JsonNode generate = published.get("generate");
        List<String> models = new ArrayList<>();
        generate.at("/properties/model/enum").forEach(m -> models.add(m.asText()));
        for (FalEndpoint endpoint : FalEndpoints.load().all()) {
            assertThat(models).as("model enum").contains(endpoint.shortName());
            for (String field : GenerateSchema.fieldsOf(endpoint)) {
                assertThat(generate.path("properties").has(field))
                        .as("%s's field %s in generate's properties", endpoint.shortName(), field)
                        .isTrue();
            }
        }
        assertThat(generate.path("required").toString())
                .as("fields required of every model (a per-model rule lives in the descriptions)")
                .contains("\"model\"");
    }

    /**
     * The rules bite: the full profile (if/then per model, {@code $defs}, {@code $schema}, null unions, formats,
     * defaults, examples) breaks each dialect the way the providers' APIs would refuse it.
     */
    @Test
    void fullProfileIsPublishedUnchangedAndTheRulesCatchIt() {
        Map<String, JsonNode> full = inputSchemas("full", "--set", SchemaProfiles.FULL);
        JsonNode generate = full.get("generate");
        assertThat(generate)
                .as("the full profile's generate schema is the complete derived composition")
                .isEqualTo(GenerateSchema.build(FalEndpoints.load()));
        assertThat(generate.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        for (FalEndpoint endpoint : FalEndpoints.load().all()) {
            assertThat(generate.at("/$defs/" + GenerateSchema.defName(endpoint)).isObject())
                    .as("$defs of %s", endpoint.shortName())
                    .isTrue();
        }
        assertThat(generate.path("allOf").findValues("if"))
                .hasSize(FalEndpoints.load().all().size());

        Map<String, JsonNode> fullGenerate = Map.of("generate", generate);
        assertThat(problems(fullGenerate, FunctionCallingDialects::portable))
                .anyMatch(p -> p.contains("'allOf'"))
                .anyMatch(p -> p.contains("'$defs'"));
        assertThat(problems(fullGenerate, FunctionCallingDialects::geminiParameters))
                .anyMatch(p -> p.contains("unknown name '$schema'"))
                .anyMatch(p -> p.contains("unknown name 'examples'"));
        assertThat(problems(fullGenerate, FunctionCallingDialects::openAiStrictAfterConversion))
                .anyMatch(p -> p.contains("'allOf' is not supported"))
                .anyMatch(p -> p.contains("format 'uri'"));
    }
}
