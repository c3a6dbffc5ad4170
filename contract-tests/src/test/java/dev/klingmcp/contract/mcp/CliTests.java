package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line for people and scripts, run as a user would ({@code java -jar kling-mcp.jar <subcommand>}) against
 * a mock of fal: every tool-backed subcommand's {@code --json} validates against the output schema its tool publishes
 * in {@code tools/list}, and the exit codes say what went wrong.
 */
class CliTests {

    private static final String KEY = "cli-key-id:cli-key-secret-0123456789";

    @TempDir
    Path root;

    @Test
    @Timeout(value = 400, unit = TimeUnit.SECONDS)
    void everySubcommandsJsonMatchesItsToolsOutputSchemaAndExitCodesSayWhatWentWrong() throws Exception {
        ServerCommand.assumeServerBuilt();
        Path work = Files.createDirectories(root.resolve("work"));
        Path image = TestImages.png(work.resolve("start.png"));
        try (MockFal fal = MockFal.start(new MockFalOptions()
                .setSpeed(1000)
                .addApiKey(KEY)
                .setLogRequests(false)
                .setStorageDir(Files.createDirectories(root.resolve("mock-storage"))))) {
            Map<String, String> env = new HashMap<>(ServerSetup.isolatedHome(root));
            env.put("FAL_KEY", KEY);
            env.put("KLING_MCP_FAL_BASE_URL", fal.baseUrl());
            env.put("KLING_MCP_UPLOAD_ROOTS", work.toString());
            OutputSchemaCheck schemas = new OutputSchemaCheck(listTools(env, work));
            List<String> problems = new ArrayList<>();

            JsonNode models = ok(cli(env, work, "models", "--json"), "describe_models", schemas, problems);
            assertThat(models.path("models")).isNotEmpty();
            JsonNode uploaded = ok(cli(env, work, "upload", image.toString(), "--json"), "upload", schemas, problems);
            JsonNode generated = ok(
                    cli(
                            env,
                            work,
                            "generate",
                            "--model",
                            "o3/standard/image-to-video",
                            "--prompt",
                            "a paper boat drifting on a calm lake",
                            "--image-url",
                            uploaded.path("url").asText(),
                            "--duration",
                            "5",
                            "--json"),
                    "generate",
                    schemas,
                    problems);
            String jobId = generated.path("job_id").asText();
            JsonNode status =
                    ok(cli(env, work, "status", jobId, "--wait", "60", "--json"), "status", schemas, problems);
            assertThat(status.at("/job/status").asText()).isEqualTo("SUCCEEDED");
            JsonNode result = ok(cli(env, work, "result", jobId, "--download", "--json"), "result", schemas, problems);
            assertThat(Path.of(result.at("/download/path").asText())).isRegularFile();
            Path png = work.resolve("first-frame.png");
            JsonNode previewed = ok(
                    cli(env, work, "result", jobId, "--preview", png.toString(), "--json"),
                    "result",
                    schemas,
                    problems);
            java.awt.image.BufferedImage frame = javax.imageio.ImageIO.read(png.toFile());
            assertThat(frame).as("result --preview writes a PNG").isNotNull();
            assertThat(frame.getWidth())
                    .isEqualTo(previewed.at("/preview/width").asInt());
            assertThat((double) frame.getWidth() / frame.getHeight())
                    .isCloseTo(
                            previewed.at("/preview/video_width").asDouble()
                                    / previewed.at("/preview/video_height").asDouble(),
                            org.assertj.core.api.Assertions.within(0.02));
            ok(cli(env, work, "cancel", jobId, "--json"), "cancel", schemas, problems);
            JsonNode jobs = ok(cli(env, work, "jobs", "--json"), "list_jobs", schemas, problems);
            assertThat(jobs.path("jobs")).hasSize(1);
            assertThat(problems).as("output schema problems").isEmpty();

            Run config = cli(env, work, "config", "--json");
            assertThat(config.exit()).isZero();
            assertThat(config.stdout()).contains("\"fal.key\" : \"set (***)\"").doesNotContain("cli-key-secret");
            JsonNode configJson = ToolCall.JSON.readTree(config.stdout());
            JsonNode configSchema = published(env, work, "config");
            assertThat(OutputSchemaCheck.problems("config", configSchema, configJson))
                    .as("config --json against config --json-schema")
                    .isEmpty();
            Run doctor = cli(env, work, "doctor", "--json");
            JsonNode report = ToolCall.JSON.readTree(doctor.stdout());
            assertThat(report.path("checks").findValuesAsText("name"))
                    .contains("java", "fal_key", "fal_reachable", "ledger_writable", "upload_roots");
            assertThat(doctor.exit()).as(doctor.stdout()).isZero();
            JsonNode doctorSchema = published(env, work, "doctor");
            assertThat(OutputSchemaCheck.problems("doctor", doctorSchema, report))
                    .as("doctor --json against doctor --json-schema")
                    .isEmpty();
            // The schemas are strict enough to catch a leak or a renamed field, so passing them means something.
            com.fasterxml.jackson.databind.node.ObjectNode leaked = configJson.deepCopy();
            leaked.put("fal.key", KEY);
            assertThat(OutputSchemaCheck.problems("config", configSchema, leaked))
                    .isNotEmpty();
            com.fasterxml.jackson.databind.node.ObjectNode renamed = report.deepCopy();
            renamed.set("passed", renamed.remove("ok"));
            assertThat(OutputSchemaCheck.problems("doctor", doctorSchema, renamed))
                    .isNotEmpty();

            assertThat(cli(env, work, "status", "019a0000-0000-7000-8000-00000000dead")
                            .exit())
                    .as("unknown job")
                    .isEqualTo(4);
            assertThat(cli(env, work, "generate", "--model", "o3/standard/image-to-video", "--duration", "99")
                            .exit())
                    .as("invalid input")
                    .isEqualTo(2);
            Map<String, String> noKey = new HashMap<>(env);
            noKey.remove("FAL_KEY");
            Run refused = cli(
                    noKey,
                    work,
                    "generate",
                    "--model",
                    "o3/standard/image-to-video",
                    "--prompt",
                    "a boat",
                    "--image-url",
                    "https://example.com/a.png");
            assertThat(refused.exit()).as("no key").isEqualTo(3);
            assertThat(refused.stderr()).contains("FAL_KEY");
            // The command says what a missing key means when it matters; the spawned server's log warning about it
            // is noise on a person's terminal (one timestamped WARN line per command, even for jobs or status).
            Run listed = cli(noKey, work, "jobs");
            assertThat(listed.exit()).as(listed.stderr()).isZero();
            assertThat(listed.stderr()).doesNotContain("WARN").doesNotContain("FAL_KEY is not set");
            assertThat(cli(env, work, "serve", "--port", "9000").exit())
                    .as("--port without --http")
                    .isEqualTo(2);
        }
    }

    /**
     * Every subcommand that takes {@code --json}, read from the command line's own definition, is one this test runs
     * and validates, so a new subcommand cannot slip by unchecked.
     */
    @Test
    void everySubcommandWithJsonOutputIsCoveredAbove() {
        ServerCommand.assumeServerBuilt();
        picocli.CommandLine root = new picocli.CommandLine(new dev.klingmcp.server.cli.KlingMcpCommand(System.out));
        List<String> withJson = root.getSubcommands().entrySet().stream()
                .filter(e -> e.getValue().getCommandSpec().findOption("--json") != null)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        assertThat(withJson)
                .containsExactlyInAnyOrder(
                        "models", "upload", "generate", "status", "result", "cancel", "jobs", "config", "doctor");
    }

    /** The schema a subcommand publishes for its {@code --json} output ({@code <command> --json-schema}). */
    private JsonNode published(Map<String, String> env, Path work, String command) throws Exception {
        Run run = cli(env, work, command, "--json-schema");
        assertThat(run.exit()).as(run.stderr()).isZero();
        return ToolCall.JSON.readTree(run.stdout());
    }

    private static JsonNode ok(Run run, String tool, OutputSchemaCheck schemas, List<String> problems)
            throws Exception {
        assertThat(run.exit())
                .as("%s exit code; stderr:%n%s", tool, run.stderr())
                .isZero();
        JsonNode json = ToolCall.JSON.readTree(run.stdout());
        problems.addAll(schemas.problems(new ToolCall(tool, Map.of(), null, json)));
        return json;
    }

    private List<io.modelcontextprotocol.spec.McpSchema.Tool> listTools(Map<String, String> env, Path work) {
        ServerCommand command = ServerCommand.of("serve");
        ServerParameters params = ServerParameters.builder(command.java())
                .args(command.args())
                .env(env)
                .build();
        McpSyncClient client = McpClient.sync(new CleanStdioTransport(params, work))
                .clientInfo(Implementation.builder("cli-test", "1.0.0").build())
                .requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(60))
                .build();
        try {
            client.initialize();
            return client.listTools().tools();
        } finally {
            client.closeGracefully();
        }
    }

    private Run cli(Map<String, String> env, Path work, String... args) throws Exception {
        ServerCommand command = ServerCommand.of(args);
        Path out = Files.createTempFile(root, "cli-out", ".txt");
        Path err = Files.createTempFile(root, "cli-err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command.commandLine())
                .directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("FAL_") || k.startsWith("KLING_MCP_") || k.startsWith("XDG_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(List.of(args) + " did not finish; stderr:\n" + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private record Run(int exit, String stdout, String stderr) {}
}
