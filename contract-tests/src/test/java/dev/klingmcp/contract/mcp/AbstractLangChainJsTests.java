package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.contract.fal.NodeScript;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LangChain.js ({@code @langchain/mcp-adapters}, pinned in {@code js/package-lock.json}) as an agent uses the server:
 * {@code js/langchain-agent.mjs} loads the tools with the adapter's default schema simplification, calls
 * {@code generate} as a dry run for each model, then runs one real job to a downloaded MP4. The script runs once per
 * suite; each test checks one part of what it reports.
 *
 * <p>The adapter rewrites every input schema before LangChain sees it (it lifts {@code if/then} branches into the root
 * and drops {@code anyOf} member types), and LangChain refuses a call that does not match the rewritten schema before
 * anything reaches the server. So a model whose dry run fails here cannot be used from LangChain.js at all: the
 * server's default (portable) profile publishes nothing the adapter has to rewrite, and every model must pass.
 */
abstract class AbstractLangChainJsTests extends AgentFrameworkSuite {

    private JsonNode report;

    /** Why the one run failed, so later tests fail fast instead of starting Node (and a server) again. */
    private AssertionError failed;

    /** The {@code mcpServers} entry an application would configure for this transport. */
    abstract ObjectNode connection();

    @Override
    void closeClient() {
        // The script closes its own client (and with it a stdio server) before it prints.
    }

    /** Runs the agent script once per suite (a Node start with LangChain takes ~2 s) and keeps its report. */
    synchronized JsonNode report() {
        if (failed != null) {
            throw failed;
        }
        if (report == null) {
            ObjectNode config = ToolCall.JSON.createObjectNode();
            config.set("connection", connection());
            ObjectNode dryRuns = config.putObject("dryRuns");
            dryRunArguments().forEach(dryRuns::set);
            config.set("fullJob", fullJobArguments());
            config.put("waitSeconds", 20);
            try {
                Path client = Files.createDirectories(root.resolve("client"));
                Path file = client.resolve(getClass().getSimpleName() + ".json");
                Files.writeString(file, config.toPrettyString());
                report = NodeScript.of("langchain-agent.mjs", file.toString())
                        .timeout(Duration.ofSeconds(150))
                        .run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (AssertionError e) {
                failed = e;
                throw e;
            }
        }
        assertThat(report.has("fatal"))
                .as("LangChain.js failed before its calls: %s", report.path("fatal"))
                .isFalse();
        return report;
    }

    @Test
    @Order(1)
    void everyToolLoadsThroughTheAdapter() {
        List<String> names = new ArrayList<>();
        report().path("tools").forEach(n -> names.add(n.asText()));
        assertThat(names).containsAll(AbstractLangChain4jTests.TOOLS);
        assertThat(report().at("/openAiTool/function/name").asText()).isEqualTo("generate");
        assertThat(report().at("/generateSchema/properties/model/enum").toString())
                .as("the model enum LangChain shows the LLM")
                .contains(MODELS.stream().map(m -> "\"" + m + "\"").toList());
    }

    static Stream<String> models() {
        return MODELS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    @Order(2)
    void dryRunOfEachModelPassesLangChainsSchemaCheckAndTheServer(String model) {
        JsonNode run = report().path("dryRuns").path(model);
        assertThat(run.path("ok").asBoolean())
                .as("LangChain.js calling generate for %s: %s%s", model, run.path("error"), whyRefused(run))
                .isTrue();
        FalEndpoint endpoint = FalEndpoints.load().require(model);
        double rate = run.at("/args/generate_audio").asBoolean(false)
                ? endpoint.pricing().usdPerSecondAudioOn()
                : endpoint.pricing().usdPerSecondAudioOff();
        JsonNode answer = run.path("structured");
        assertThat(answer.path("dry_run").asBoolean()).as("%s", answer).isTrue();
        assertThat(answer.path("model").asText()).isEqualTo(endpoint.id());
        assertThat(answer.at("/estimate/usd_per_second").asDouble()).isEqualTo(rate);
        assertThat(answer.at("/estimate/usd").asDouble())
                .isCloseTo(requestedSeconds(run.path("args")) * rate, within(0.006));
    }

    /**
     * Where the adapter's rewritten schema and the arguments part: required fields not sent, sent fields it does not
     * know. LangChain's own error says only "did not match expected schema".
     */
    private String whyRefused(JsonNode run) {
        JsonNode schema = report().path("generateSchema");
        List<String> missing = new ArrayList<>();
        schema.path("required").forEach(r -> {
            if (!run.path("args").has(r.asText())) {
                missing.add(r.asText());
            }
        });
        List<String> unknown = new ArrayList<>();
        run.path("args").fieldNames().forEachRemaining(f -> {
            if (!schema.path("properties").has(f)) {
                unknown.add(f);
            }
        });
        return "\n  the adapter's schema requires " + schema.path("required") + "; not sent: " + missing
                + "; sent but unknown to it: " + unknown;
    }

    @Test
    @Order(3)
    void oneRealJobEndsAsAnMp4OnDisk() {
        JsonNode job = report().path("fullJob");
        assertThat(job.at("/generate/ok").asBoolean())
                .as("generate: %s", job.path("generate"))
                .isTrue();
        assertThat(job.at("/status/structured/job/status").asText())
                .as("status: %s", job.path("status"))
                .isEqualTo("SUCCEEDED");
        JsonNode result = job.path("result").path("structured");
        assertThat(result.path("outcome").asText())
                .as("result: %s", job.path("result"))
                .isEqualTo("READY");
        Path saved = Path.of(result.at("/download/path").asText());
        assertThat(saved).startsWith(setup.outputDir());
        assertRealMp4(saved, requestedSeconds(fullJobArguments()));
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void falKeyAppearsInNothingLangChainSawAndNoServerFile() {
        assertThat(report().toString()).doesNotContain(SecretScan.SECRET_PART);
        assertNoServerFileHoldsTheKey();
    }
}
