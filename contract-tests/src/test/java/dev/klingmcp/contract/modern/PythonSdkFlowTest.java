package dev.klingmcp.contract.modern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
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
 * The Python MCP SDK ({@code mcp} 2.3.0, {@code contract-tests/py/mcp_flow.py}) drives the real server over stdio
 * and Streamable HTTP, with the initialize handshake ({@code mode="legacy"}), version discovery
 * ({@code mode="auto"}) and the 2026-07-28 version pinned: tools/list with the server's own schemas, describe_models,
 * a dry-run price, generate, status waits, result with the MP4 downloaded, a refused input naming its field, cancel
 * and list_jobs, all read from the SDK's typed results as a Python caller reads them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PythonSdkFlowTest {

    /** 100x: a job takes about two seconds, so status really waits (and sends progress) and 5 runs stay fast. */
    @RegisterExtension
    static final ServedOverHttp served = new ServedOverHttp("py-http", 100);

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({
        "stdio, legacy, legacy",
        "stdio, auto, modern",
        "http, legacy, legacy",
        "http, auto, modern",
        "http, 2026-07-28, modern"
    })
    void wholeJobFlow(String transport, String mode, String era) throws Exception {
        long before = served.fixture().accepted();
        JsonNode out = ClientScripts.python("mcp_flow.py", config(transport, mode), Duration.ofSeconds(150));

        assertThat(out.path("era").asText())
                .as("era negotiated in mode %s", mode)
                .isEqualTo(era);
        if (era.equals("modern")) {
            assertThat(out.path("protocolVersion").asText()).isEqualTo(Wire.VERSION);
        } else {
            assertThat(out.path("protocolVersion").asText())
                    .isNotEqualTo(Wire.VERSION)
                    .startsWith("2025-");
        }
        if (mode.equals(Wire.VERSION)) {
            // Pinned: the SDK adopts the version without a discover, so it knows the server only from the results.
            assertThat(out.path("serverName").isNull()).isTrue();
            assertThat(out.at("/resultServerInfo/name").asText()).isEqualTo("kling-mcp");
        } else {
            assertThat(out.path("serverName").asText()).isEqualTo("kling-mcp");
        }

        ToolListing.assertSameAsWire(out.path("tools"), served.wireTools(), "the Python SDK");

        JsonNode models = ok(out, "describeModels");
        assertThat(models.toString())
                .contains(ModernFixture.generateArguments().path("model").asText());

        JsonNode dry = ok(out, "dryRun");
        assertThat(dry.path("dry_run").asBoolean()).isTrue();
        assertThat(dry.at("/estimate/usd").asDouble()).isPositive();

        String jobId = ok(out, "generate").path("job_id").asText();
        assertThat(jobId).isNotBlank();
        assertThat(TsClientFlowTest.strings(out.path("statuses"))).last().isEqualTo("SUCCEEDED");
        List<Double> progress = new ArrayList<>();
        out.path("progress").forEach(p -> progress.add(p.asDouble()));
        for (int i = 1; i < progress.size(); i++) {
            assertThat(progress.get(i)).as("progress increases: %s", progress).isGreaterThan(progress.get(i - 1));
        }

        JsonNode download = ok(out, "result").path("download");
        Path video = Path.of(download.path("path").asText());
        assertThat(video).isRegularFile();
        assertThat(Files.size(video)).isPositive();
        assertThat(mp4Brand(video)).as("an MP4 (ftyp box) at %s", video).isEqualTo("ftyp");
        assertThat(download.path("sha256").asText()).isEqualTo(sha256(video));

        JsonNode bad = out.path("badInput");
        assertThat(bad.path("isError").asBoolean()).as("%s", bad).isTrue();
        assertThat(bad.at("/structured/error/problems").findValuesAsText("path"))
                .as("%s", bad)
                .contains("/duration");
        assertThat(bad.path("text").asText()).as("the text a model reads").contains("duration");

        JsonNode cancel = out.path("cancel");
        assertThat(cancel.path("isError").asBoolean()).as("%s", cancel).isFalse();
        assertThat(cancel.at("/structured/outcome").asText()).isEqualTo("CANCELLATION_REQUESTED");
        assertThat(served.fixture().mockJob(cancel.path("jobId").asText()).cancelled())
                .as("mock-fal saw the cancel")
                .isTrue();

        JsonNode jobs = ok(out, "listJobs");
        assertThat(jobs.toString()).contains(jobId, cancel.path("jobId").asText());
        assertThat(served.fixture().accepted() - before)
                .as("two real generate calls, two jobs (no submit for the dry run or the refused input)")
                .isEqualTo(2);
    }

    /** The structured answer of a successful call the script recorded under {@code key}. */
    private static JsonNode ok(JsonNode out, String key) {
        JsonNode call = out.path(key);
        assertThat(call.path("isError").asBoolean()).as("%s: %s", key, call).isFalse();
        assertThat(call.path("structured").isObject())
                .as("%s structuredContent: %s", key, call)
                .isTrue();
        return call.path("structured");
    }

    /** The config file {@code mcp_flow.py} reads. */
    private Path config(String transport, String mode) throws IOException {
        ObjectNode c = ModernFixture.JSON.createObjectNode().put("mode", mode).put("timeout", 130);
        c.set("generate", ModernFixture.generateArguments());
        return served.fixture().clientConfig(c, transport, served.http(), "py-client-");
    }

    /** Bytes 4..8 of the file: "ftyp" for an ISO media file such as MP4. */
    private static String mp4Brand(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(8);
            return head.length < 8 ? "" : new String(head, 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
