package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.klingmcp.mock.queue.SubmitCounters;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.mcp.McpToolProvider;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProviderRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LangChain4j ({@code langchain4j-mcp}, its own MCP client, not the MCP SDK) as an AI service uses the server: the
 * {@link McpToolProvider} lists the tools and converts each to a {@link ToolSpecification} (the schema an LLM is
 * shown), and tool calls go through the provider's {@link ToolExecutor}s with the JSON arguments an LLM would produce.
 * Each model's dry run must be an argument object the converted specification admits and the server accepts; one real
 * job must end as an MP4 on disk.
 */
abstract class AbstractLangChain4jTests extends AgentFrameworkSuite {

    static final List<String> TOOLS =
            List.of("describe_models", "generate", "status", "result", "cancel", "list_jobs", "upload");

    private McpClient client;

    private Map<ToolSpecification, ToolExecutor> tools;

    private AssertionError failed;

    /** Every text a tool call returned, for the leak check. */
    private final List<String> results = new ArrayList<>();

    /** The framework's transport to the server this suite runs. */
    abstract McpTransport transport();

    @Override
    void closeClient() {
        if (client != null) {
            try {
                client.close();
            } catch (Exception e) {
                throw new AssertionError("closing LangChain4j's MCP client failed", e);
            }
        }
    }

    /** What an AI service gets from its tool provider: specifications, each with the executor that calls it. */
    synchronized Map<ToolSpecification, ToolExecutor> tools() {
        if (failed != null) {
            throw failed;
        }
        if (tools == null) {
            try {
                tools = connect();
            } catch (RuntimeException | AssertionError e) {
                // Later tests fail fast with the same cause instead of spawning another server.
                failed = new AssertionError("LangChain4j could not connect and list the tools", e);
                throw failed;
            }
        }
        return tools;
    }

    private Map<ToolSpecification, ToolExecutor> connect() {
        client = DefaultMcpClient.builder()
                .key("kling")
                .clientName("kling-contract-langchain4j")
                .transport(transport())
                .initializationTimeout(Duration.ofSeconds(60))
                .toolExecutionTimeout(Duration.ofSeconds(70))
                .build();
        McpToolProvider provider = McpToolProvider.builder().mcpClients(client).build();
        return provider.provideTools(new ToolProviderRequest("contract-tests", UserMessage.from("make a video")))
                .tools();
    }

    ToolSpecification spec(String name) {
        return tools().keySet().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("LangChain4j offers no tool " + name + ": " + tools().keySet()));
    }

    /** Calls a tool as an AI service does after the LLM asked for it: by name, with JSON arguments. */
    JsonNode call(String name, ObjectNode arguments) {
        ToolExecutor executor = tools().get(spec(name));
        String text = executor.execute(
                ToolExecutionRequest.builder()
                        .id(UUID.randomUUID().toString())
                        .name(name)
                        .arguments(arguments.toString())
                        .build(),
                "contract-tests");
        results.add(text);
        try {
            return ToolCall.JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(
                    name + " returned no JSON (LangChain4j hands structuredContent on as JSON): " + text);
        }
    }

    @Test
    @Order(1)
    void everyToolBecomesAToolSpecificationOfferingAllThreeModels() {
        assertThat(tools().keySet()).extracting(ToolSpecification::name).containsAll(TOOLS);
        for (ToolSpecification spec : tools().keySet()) {
            assertThat(spec.description()).as("%s description", spec.name()).isNotBlank();
            assertThat(spec.parameters()).as("%s parameters", spec.name()).isNotNull();
        }
        ToolSpecification generate = spec("generate");
        assertThat(generate.parameters().properties().get("model"))
                .as("generate's model parameter as LangChain4j shows it to the LLM")
                .isInstanceOfSatisfying(JsonEnumSchema.class, model -> assertThat(model.enumValues())
                        .containsAll(MODELS));
    }

    static Stream<String> models() {
        return MODELS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    @Order(2)
    void dryRunOfEachModelWithArgumentsTheSpecificationAdmits(String model) {
        ObjectNode arguments = dryRunArguments().get(model);
        assertThat(problemsAgainstSpecification("generate", arguments))
                .as("%s against generate's ToolSpecification (what the LLM was told)", arguments)
                .isEmpty();
        long submitsBefore = submitAttempts();

        JsonNode answer = call("generate", arguments);

        FalEndpoint endpoint = FalEndpoints.load().require(model);
        double rate = arguments.path("generate_audio").asBoolean(false)
                ? endpoint.pricing().usdPerSecondAudioOn()
                : endpoint.pricing().usdPerSecondAudioOff();
        int seconds = requestedSeconds(arguments);
        assertThat(answer.path("dry_run").asBoolean()).as("%s", answer).isTrue();
        assertThat(answer.at("/estimate/usd_per_second").asDouble()).isEqualTo(rate);
        assertThat(answer.at("/estimate/usd").asDouble()).isCloseTo(seconds * rate, within(0.006));
        assertThat(submitAttempts()).as("submits reaching fal during a dry run").isEqualTo(submitsBefore);
    }

    @Test
    @Order(3)
    void oneRealJobEndsAsAnMp4OnDisk() {
        ObjectNode arguments = fullJobArguments().put("wait_seconds", 20);
        assertThat(problemsAgainstSpecification("generate", arguments)).isEmpty();
        JsonNode generated = call("generate", arguments);
        String jobId = generated.path("job_id").asText();
        assertThat(jobId).as("%s", generated).isNotBlank();

        JsonNode status = generated;
        for (int i = 0; i < 6 && !status.at("/job/status").asText().equals("SUCCEEDED"); i++) {
            status = call(
                    "status",
                    ToolCall.JSON.createObjectNode().put("job_id", jobId).put("wait_seconds", 20));
        }
        assertThat(status.at("/job/status").asText()).as("%s", status).isEqualTo("SUCCEEDED");

        JsonNode result = call(
                "result", ToolCall.JSON.createObjectNode().put("job_id", jobId).put("download", true));
        assertThat(result.path("outcome").asText()).as("%s", result).isEqualTo("READY");
        Path saved = Path.of(result.at("/download/path").asText());
        assertThat(saved).startsWith(setup.outputDir());
        assertRealMp4(saved, requestedSeconds(arguments));
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void falKeyAppearsInNoToolResultAndNoServerFile() {
        assertThat(results).as("tool results seen by LangChain4j").isNotEmpty();
        assertThat(results)
                .as("tool results holding the fal key")
                .noneMatch(text -> text.contains(SecretScan.SECRET_PART));
        assertNoServerFileHoldsTheKey();
    }

    /**
     * Problems of {@code arguments} against the tool's parameters as LangChain4j hands them to an LLM provider
     * ({@link JsonSchemaElementUtils#toMap}, non-strict), checked with a plain JSON Schema validator: empty = an LLM
     * that follows the specification may send exactly these arguments.
     */
    List<String> problemsAgainstSpecification(String tool, ObjectNode arguments) {
        Map<String, Object> parameters = JsonSchemaElementUtils.toMap(spec(tool).parameters(), false);
        ObjectNode schema = ToolCall.JSON.valueToTree(parameters);
        Schema compiled = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(schema);
        return compiled.validate(arguments).stream()
                .map(e -> (e.getInstanceLocation() + " " + e.getMessage()).strip())
                .toList();
    }

    long submitAttempts() {
        return fal.control().submits().values().stream()
                .mapToLong(SubmitCounters.Count::attempts)
                .sum();
    }
}
