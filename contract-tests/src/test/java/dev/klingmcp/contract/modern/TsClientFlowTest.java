package dev.klingmcp.contract.modern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The TypeScript MCP SDK v2 client ({@code @modelcontextprotocol/client} 2.4.0), version negotiation pinned to
 * 2026-07-28 and in auto mode, runs the whole job flow against the real server over stdio and Streamable HTTP:
 * discover, tools/list, generate, status waiting with progress, result with download, the job resource, a
 * {@code subscriptions/listen} on it, and cancel.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TsClientFlowTest {

    @RegisterExtension
    static final ServedOverHttp served = new ServedOverHttp("ts-http", 60);

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"stdio, pin", "stdio, auto", "http, pin", "http, auto"})
    void wholeJobFlow(String transport, String mode) throws Exception {
        long before = served.fixture().accepted();
        JsonNode out = ClientScripts.tsClient(config(served, transport, mode, "flow", null), Duration.ofSeconds(150));

        assertThat(out.path("era").asText()).isEqualTo("modern");
        assertThat(out.path("protocolVersion").asText()).isEqualTo("2026-07-28");
        JsonNode discover = out.path("discover");
        assertThat(discover.path("supportedVersions").toString()).contains("2026-07-28");
        assertThat(discover.path("_meta")
                        .path("io.modelcontextprotocol/serverInfo")
                        .path("name")
                        .asText())
                .isEqualTo("kling-mcp");
        ToolListing.assertSameAsWire(out.path("tools"), served.wireTools(), "the TS SDK");

        JsonNode generated = out.path("generate").path("structured");
        String jobId = generated.path("job_id").asText();
        assertThat(jobId).isNotBlank();
        List<String> statuses = strings(out.path("statuses"));
        assertThat(statuses).last().isEqualTo("SUCCEEDED");

        List<Double> progress = new ArrayList<>();
        out.path("progress").forEach(p -> progress.add(p.asDouble()));
        assertThat(progress)
                .as("progress notifications on the status call's own stream")
                .isNotEmpty();
        for (int i = 1; i < progress.size(); i++) {
            assertThat(progress.get(i)).as("progress increases").isGreaterThan(progress.get(i - 1));
        }

        JsonNode download = out.path("result").path("structured").path("download");
        Path video = Path.of(download.path("path").asText());
        assertThat(video).isRegularFile();
        assertThat(download.path("sha256").asText()).isEqualTo(sha256(video));
        assertThat(out.path("resourceState").asText()).isEqualTo("SUCCEEDED");

        String uri = "kling://jobs/" + jobId;
        assertThat(strings(out.path("listenHonored").path("resourceSubscriptions")))
                .containsExactly(uri);
        assertThat(strings(out.path("updates")))
                .as("resource updates on the listen stream")
                .isNotEmpty();
        assertThat(strings(out.path("updates"))).allMatch(uri::equals);
        assertThat(out.path("listenClosed").asText()).isEqualTo("local");

        JsonNode cancel = out.path("cancel");
        assertThat(cancel.path("structured").path("outcome").asText()).isEqualTo("CANCELLATION_REQUESTED");
        assertThat(served.fixture().mockJob(cancel.path("jobId").asText()).cancelled())
                .as("mock-fal saw the cancel")
                .isTrue();
        assertThat(served.fixture().accepted() - before)
                .as("two generate calls, two jobs")
                .isEqualTo(2);
    }

    /** The config file {@code mcp-modern.mjs} reads. */
    static Path config(ServedOverHttp served, String transport, String mode, String scenario, String elicitation)
            throws IOException {
        ObjectNode c = ModernFixture.JSON.createObjectNode().put("mode", mode).put("scenario", scenario);
        if (elicitation != null) {
            c.put("elicitation", elicitation);
        }
        c.set("generate", ModernFixture.generateArguments());
        return served.fixture().clientConfig(c, transport, served.http(), "ts-client-");
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
