package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.contract.fal.NodeScript;
import dev.klingmcp.contract.openapi.ValidatedMockFal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * What a real client (the TypeScript MCP SDK v2, {@code js/cancel-and-refusals.mjs}) gets for the requests around tool
 * calls, in its default 2025-11-25 mode over stdio and Streamable HTTP, and pinned to 2026-07-28 over stdio and HTTP:
 * <ul>
 * <li>a call to a tool that does not exist is refused with an error naming the tools that do;</li>
 * <li>a {@code status} wait of 40 s, cancelled by the client's AbortSignal after 1.5 s (the SDK sends
 * {@code notifications/cancelled}), ends on the server too: the server logs how long after the cancel its call ended
 * (it would otherwise wait on fal's status stream for the whole 40 s; the mock's clock is manual, so the job never
 * finishes by itself), logs no warning about the notification, sends no answer to the cancelled request (the client
 * would report it as an answer to an unknown request) and serves the next call on the same connection;</li>
 * <li>{@code prompts/get kling_reference_scene} without {@code scene}, or with a model that takes no references, is
 * refused with an error naming the argument.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CancelAndRefusalsTests {

    private static final Pattern ENDED = Pattern.compile("status cancelled by the client: the call ended (\\d+) ms");

    /** The server's wait ends this soon after the cancel (the 40 s wait would otherwise run on). */
    private static final long PROMPT_MS = 5_000;

    private Path root;

    private ValidatedMockFal fal;

    private ServerSetup setup;

    private HttpServerProcess http;

    @BeforeAll
    void start(@TempDir Path tempDir) throws IOException {
        ServerCommand.assumeServerBuilt();
        root = tempDir;
        fal = ValidatedMockFal.with(ClockDriver::options).start();
        setup = ServerSetup.under(Files.createDirectories(root.resolve("server")), fal.baseUrl(), SecretScan.FAL_KEY);
    }

    @AfterAll
    void stop() {
        try {
            if (http != null) {
                http.close();
            }
        } finally {
            if (fal != null) {
                fal.verifyAndClose(getClass().getSimpleName());
            }
        }
    }

    @Test
    void overStdio() {
        JsonNode report = run("stdio", "legacy", stdio());
        assertAll(report, report.path("serverStderr").asText());
    }

    @Test
    void overStdioIn2026Mode() {
        JsonNode report = run("stdio-modern", "modern", stdio());
        assertThat(report.path("protocolVersion").asText()).isEqualTo("2026-07-28");
        assertAll(report, report.path("serverStderr").asText());
    }

    private ObjectNode stdio() {
        ServerCommand command = ServerCommand.of("serve");
        ObjectNode connection = ToolCall.JSON
                .createObjectNode()
                .put("transport", "stdio")
                .put("command", command.java())
                .put("cwd", setup.workDir().toString());
        command.args().forEach(connection.putArray("args")::add);
        ObjectNode env = connection.putObject("env");
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        setup.environment().forEach(env::put);
        return connection;
    }

    @Test
    void overStreamableHttp() {
        int logged = http().stderr().length();
        JsonNode report = run(
                "http",
                "legacy",
                ToolCall.JSON.createObjectNode().put("transport", "http").put("url", http().url()));
        assertAll(report, http().stderr().substring(logged));
    }

    /**
     * Pinned to 2026-07-28 over HTTP the client cancels by closing the request's stream (no notification): the server
     * notices the closed stream while the call waits and ends the wait, logged before the client's next calls are done
     * (a few seconds after the abort, where the wait would otherwise run 40 s).
     */
    @Test
    void overStreamableHttpIn2026Mode() {
        int logged = http().stderr().length();
        JsonNode report = run(
                "http-modern",
                "modern",
                ToolCall.JSON.createObjectNode().put("transport", "http").put("url", http().url()));
        assertThat(report.path("protocolVersion").asText()).isEqualTo("2026-07-28");
        assertAll(report, http().stderr().substring(logged));
    }

    private synchronized HttpServerProcess http() {
        if (http == null) {
            http = HttpServerProcess.start(setup, root.resolve("server").resolve("http-server-stderr.log"));
        }
        return http;
    }

    private JsonNode run(String name, String mode, ObjectNode connection) {
        ObjectNode config = ToolCall.JSON.createObjectNode();
        config.set("connection", connection);
        config.put("mode", mode);
        config.set("generate", AgentFrameworkSuite.fullJobArguments());
        config.put("waitSeconds", 40);
        config.put("abortAfterMs", 1500);
        try {
            Path file = Files.createDirectories(root.resolve("client")).resolve(name + ".json");
            Files.writeString(file, config.toPrettyString());
            return NodeScript.of("cancel-and-refusals.mjs", file.toString())
                    .timeout(Duration.ofMinutes(2))
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertAll(JsonNode report, String serverStderr) {
        assertThat(report.has("fatal")).as("%s", report.path("fatal")).isFalse();

        JsonNode unknown = report.at("/unknownTool/error");
        assertThat(unknown.path("code").asInt())
                .as("%s", report.path("unknownTool"))
                .isEqualTo(-32602);
        assertThat(unknown.path("message").asText())
                .contains("generate_video")
                .contains("describe_models", "generate", "status", "result", "cancel", "list_jobs", "upload");

        JsonNode cancel = report.path("cancel");
        assertThat(cancel.path("aborted").asBoolean())
                .as("the client aborted: %s", cancel)
                .isTrue();
        assertThat(cancel.path("afterMs").asLong())
                .as("the client stopped waiting")
                .isLessThan(10_000);
        Matcher ended = ENDED.matcher(serverStderr);
        assertThat(ended.find())
                .as("the server's log says the cancelled call ended; stderr:%n%s", serverStderr)
                .isTrue();
        System.out.printf(
                "cancel: the client stopped waiting after %d ms; the server's call ended %s ms after the cancel%n",
                cancel.path("afterMs").asLong(), ended.group(1));
        assertThat(Long.parseLong(ended.group(1)))
                .as("ms between the cancel and the end of the server's wait (it asked for 40 s)")
                .isLessThan(PROMPT_MS);
        assertThat(serverStderr).doesNotContain("No handler registered").doesNotContain("notifications/cancelled");
        assertThat(report.path("clientErrors").toString())
                .as("a cancelled request gets no answer; what the client reported: %s", report.path("clientErrors"))
                .doesNotContain("unknown message ID");
        assertThat(report.at("/statusAfterCancel/isError").asBoolean()).isFalse();
        assertThat(report.at("/statusAfterCancel/state").asText()).isIn("QUEUED", "RUNNING");

        Map.of("missingScene", "scene", "standardModel", "model").forEach((name, argument) -> {
            JsonNode refused = report.at("/prompts/" + name);
            assertThat(refused.path("ok").asBoolean())
                    .as("%s: %s", name, refused)
                    .isFalse();
            assertThat(refused.at("/error/code").asInt()).isEqualTo(-32602);
            assertThat(refused.at("/error/message").asText()).contains("'" + argument + "'");
        });
        assertThat(report.at("/prompts/standardModel/error/message").asText()).contains("o3/standard/image-to-video");
        assertThat(report.at("/prompts/valid/ok").asBoolean())
                .as("%s", report.at("/prompts/valid"))
                .isTrue();
    }
}
