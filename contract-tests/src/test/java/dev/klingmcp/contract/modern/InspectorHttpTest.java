package dev.klingmcp.contract.modern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.contract.process.ScriptRun;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The MCP Inspector's CLI ({@code @modelcontextprotocol/inspector} 0.15.0, pinned in {@code js/package.json}) against
 * {@code serve --http} over Streamable HTTP, as a developer checks a running server: {@code tools/list}, a
 * {@code describe_models} call and a refused generate. (DistributionTests drives the same CLI over stdio.) 0.15.0 is
 * the release the launcher test already pins: its CLI speaks Streamable HTTP ({@code --transport http}) and runs on
 * Node 20 as well as the provisioned Node 22, where the 2.x line needs Node 22.19 or newer.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InspectorHttpTest {

    private static final String CLI = "node_modules/@modelcontextprotocol/inspector/cli/build/cli.js";

    @RegisterExtension
    static final ServedOverHttp served = new ServedOverHttp("inspector-http", 300);

    @Test
    void listsTheSevenToolsWithTheirSchemas() throws IOException {
        JsonNode tools = inspector("--method", "tools/list").path("tools");
        ToolListing.assertSameAsWire(tools, served.wireTools(), "the Inspector");
        JsonNode generate = tools.get(ToolListing.TOOLS.indexOf("generate"));
        assertThat(generate.at("/inputSchema/properties").has("model")).isTrue();
        assertThat(generate.at("/inputSchema/properties").has("dry_run")).isTrue();
    }

    @Test
    void callsDescribeModels() throws IOException {
        JsonNode result = inspector("--method", "tools/call", "--tool-name", "describe_models");
        assertThat(result.path("isError").asBoolean(false)).as("%s", result).isFalse();
        assertThat(result.path("structuredContent").toString())
                .contains("o3/standard/image-to-video", "o3/pro/reference-to-video");
    }

    @Test
    void aRefusedGenerateNamesTheFieldAndSubmitsNothing() throws IOException {
        long before = served.fixture().accepted();
        JsonNode result = inspector(
                "--method",
                "tools/call",
                "--tool-name",
                "generate",
                "--tool-arg",
                "model=o3/standard/image-to-video",
                "prompt=a paper boat drifting on a calm lake",
                "image_url=https://example.com/start.png",
                "duration=20");
        assertThat(result.path("isError").asBoolean()).as("%s", result).isTrue();
        assertThat(result.at("/structuredContent/error/problems").findValuesAsText("path"))
                .as("%s", result)
                .contains("/duration");
        assertThat(result.path("content").toString())
                .as("the text a model reads")
                .contains("duration");
        assertThat(served.fixture().accepted()).as("nothing submitted").isEqualTo(before);
    }

    /** Runs the Inspector CLI against the server's URL and parses the JSON it prints. */
    private JsonNode inspector(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--cli", served.url(), "--transport", "http"));
        all.addAll(List.of(args));
        ScriptRun.Result r = ScriptRun.node().run(Duration.ofSeconds(90), CLI, all);
        assertThat(r.exitCode())
                .as("inspector %s; stderr:%n%s", all, r.stderr())
                .isZero();
        return ModernFixture.JSON.readTree(r.stdout());
    }
}
