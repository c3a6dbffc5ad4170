package dev.klingmcp.contract.modern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Python MCP SDK ({@code mcp} 2.3.0, {@code contract-tests/py/mcp_flow.py}) drives the real server over stdio
 * and Streamable HTTP, with the initialize handshake ({@code mode="legacy"}), version discovery
 * ({@code mode="auto"}) and the 2026-07-28 version pinned: tools/list with the server's own schemas, describe_models,
 * a dry-run price, generate, status waits, result with the MP4 downloaded, a refused input naming its field, cancel
 * and list_jobs, all read from the SDK's typed results as a Python caller reads them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PythonSdkFlowTest {

    private ModernFixture fixture;

    private ServerProcess http;

    /** tools/list as the server sends it (raw JSON-RPC), to compare with what the Python SDK hands its caller. */
    private JsonNode wireTools;

    @BeforeAll
    void start(@TempDir Path root) {
        // 100x: a job takes about two seconds, so status really waits (and sends progress) and 5 runs stay fast
        fixture = new ModernFixture(root, 100);
        http = ServerProcess.http(fixture, "py-http");
        wireTools = Wire.post(http.url(), Wire.request("tools/list", null, null))
                .result()
                .path("tools");
        assertThat(wireTools).as("raw tools/list").hasSize(TsClientFlowTest.TOOLS.size());
    }

    @AfterAll
    void stop() {
        if (http != null) {
            http.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({
        "stdio, legacy, legacy",
        "stdio, auto, modern",
        "http, legacy, legacy",
        "http, auto, modern",
        "http, 2026-07-28, modern"
    })
    void wholeJobFlow(String transport, String mode, String era) throws Exception {
        long before = fixture.accepted();
        JsonNode out = PythonRun.json("mcp_flow.py", config(transport, mode), Duration.ofSeconds(150));

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

        JsonNode tools = out.path("tools");
        assertThat(TsClientFlowTest.names(tools)).containsExactlyElementsOf(TsClientFlowTest.TOOLS);
        for (JsonNode wire : wireTools) {
            JsonNode seen =
                    tools.get(TsClientFlowTest.TOOLS.indexOf(wire.path("name").asText()));
            assertThat(seen.path("inputSchema"))
                    .as("%s input schema through the Python SDK", wire.path("name"))
                    .isEqualTo(wire.path("inputSchema"));
            assertThat(seen.path("outputSchema"))
                    .as("%s output schema through the Python SDK", wire.path("name"))
                    .isEqualTo(wire.path("outputSchema"));
        }

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
        assertThat(fixture.mockJob(cancel.path("jobId").asText()).cancelled())
                .as("mock-fal saw the cancel")
                .isTrue();

        JsonNode jobs = ok(out, "listJobs");
        assertThat(jobs.toString()).contains(jobId, cancel.path("jobId").asText());
        assertThat(fixture.accepted() - before)
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
        ObjectNode c = ModernFixture.JSON
                .createObjectNode()
                .put("transport", transport)
                .put("mode", mode)
                .put("timeout", 130);
        c.set("generate", ModernFixture.generateArguments());
        if ("http".equals(transport)) {
            c.put("url", http.url());
        } else {
            List<String> command = ModernFixture.serverCommand();
            c.put("command", command.get(0));
            ArrayNode args = c.putArray("args");
            command.subList(1, command.size()).forEach(args::add);
            c.set("env", ModernFixture.JSON.valueToTree(fixture.environment()));
            c.put("cwd", fixture.workDir.toString());
        }
        Path file = Files.createTempFile(fixture.root, "py-client-", ".json");
        Files.writeString(file, c.toString());
        return file;
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
