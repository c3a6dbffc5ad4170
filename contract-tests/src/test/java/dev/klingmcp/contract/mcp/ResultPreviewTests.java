package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.testing.video.Mp4Probe;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ImageContent;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code result} as a person in a chat client meets it, through the MCP Java SDK's client and the server jar over stdio
 * against mock-fal: {@code preview: true} adds a PNG of the first frame whose shape is the video's (16:9, 9:16, 1:1, as
 * mock-fal renders real H.264 clips of each); without the preview jar the answer says why there is no picture; and once
 * fal's URL has expired (the mock's CDN answers 403/404/410) a download explains that the local copy, by path and
 * sha256, is the video to use.
 */
class ResultPreviewTests {

    private static final String KEY = "preview-key-id:preview-key-secret-0123456789";

    @TempDir
    Path root;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void previewsHaveTheVideosShapeAndExpiredUrlsPointAtTheLocalCopy() throws Exception {
        ServerCommand.assumeServerBuilt();
        Instant start = Instant.now();
        try (MockFal fal = startMock()) {
            ServerSetup setup = ServerSetup.under(root, fal.baseUrl(), KEY);
            ServerCommand command = ServerCommand.of("serve");
            McpSyncClient client = connect(command.java(), command.args(), setup);
            try {
                OutputSchemaCheck schemas =
                        new OutputSchemaCheck(client.listTools().tools());
                List<String> problems = new ArrayList<>();
                String landscape = null;
                for (String ratio : List.of("16:9", "9:16", "1:1")) {
                    String jobId = generateAndWait(client, ratio);
                    landscape = landscape == null ? jobId : landscape;
                    CallToolResult result =
                            ToolCall.succeeded(client, "result", Map.of("job_id", jobId, "preview", true));
                    JsonNode json = ToolCall.structuredOf(result);
                    problems.addAll(schemas.problems(ToolCall.of("result", Map.of(), result)));
                    assertThat(result.isError()).as("%s", result).isNotEqualTo(Boolean.TRUE);

                    ImageContent image = images(result).get(0);
                    assertThat(image.mimeType()).isEqualTo("image/png");
                    byte[] png = Base64.getDecoder().decode(image.data());
                    BufferedImage picture = ImageIO.read(new ByteArrayInputStream(png));
                    assertThat(picture).as("the preview decodes as a PNG").isNotNull();
                    assertThat(Math.max(picture.getWidth(), picture.getHeight()))
                            .isLessThanOrEqualTo(320);
                    Path saved = Path.of(json.at("/download/path").asText());
                    Mp4Probe video = Mp4Probe.of(saved);
                    double aspect = (double) picture.getWidth() / picture.getHeight();
                    assertThat(aspect)
                            .as("preview of %s", ratio)
                            .isCloseTo(Mp4Probe.aspectOf(ratio), within(0.02))
                            .isCloseTo(video.aspect(), within(0.02));
                    assertThat(json.at("/preview/width").asInt()).isEqualTo(picture.getWidth());
                    assertThat(json.at("/preview/video_width").asInt()).isEqualTo(video.width());
                    assertThat(json.at("/preview/bytes").asInt()).isEqualTo(png.length);

                    Instant fetched =
                            Instant.parse(json.at("/video_url_fetched_at").asText());
                    assertThat(fetched).isBetween(start, Instant.now());
                    assertThat(text(result)).contains("fal's media URLs expire");
                }
                assertThat(problems)
                        .as("result against its published outputSchema")
                        .isEmpty();

                // A job never saved locally, then its URL expires: nothing to fall back on, and the answer says so.
                String unsaved = generateAndWait(client, "16:9");
                assertThat(ToolCall.structuredOf(ToolCall.succeeded(client, "result", Map.of("job_id", unsaved)))
                                .at("/video_url_fetched_at")
                                .asText())
                        .isNotEmpty();
                fal.control().addFaults(FaultPlan.parse("storage=410@1"));
                CallToolResult gone = client.callTool(CallToolRequest.builder("result")
                        .arguments(Map.of("job_id", unsaved, "download", true))
                        .build());
                assertThat(gone.isError()).isTrue();
                assertThat(text(gone))
                        .contains("HTTP 410", "fal's media URLs expire", "fetched from fal at", "No local copy");

                // The saved job: its copy is reused without touching the expired URL, and the answer says to use it.
                CallToolResult again =
                        ToolCall.succeeded(client, "result", Map.of("job_id", landscape, "download", true));
                JsonNode saved = ToolCall.structuredOf(again);
                assertThat(saved.at("/download/reused").asBoolean()).isTrue();
                assertThat(text(again))
                        .contains(
                                "local copy is the one to use",
                                saved.at("/download/sha256").asText());

                // The copy was deleted and the URL is forbidden now: the answer names the copy by path and sha256.
                Files.delete(Path.of(saved.at("/download/path").asText()));
                fal.control().setFaults(FaultPlan.parse("storage=403@1"));
                CallToolResult forbidden = client.callTool(CallToolRequest.builder("result")
                        .arguments(Map.of("job_id", landscape, "download", true))
                        .build());
                assertThat(forbidden.isError()).isTrue();
                assertThat(text(forbidden))
                        .contains(
                                "HTTP 403",
                                "local copy is the one to use",
                                saved.at("/download/path").asText(),
                                saved.at("/download/sha256").asText(),
                                "no longer there");
            } finally {
                client.closeGracefully();
            }
        }
    }

    /** The server jar alone (no preview jar beside it): result still answers, with the reason there is no picture. */
    @Test
    @Timeout(value = 200, unit = TimeUnit.SECONDS)
    void withoutThePreviewJarResultSaysWhyThereIsNoPicture() throws Exception {
        Assumptions.assumeTrue(ServerCommand.serverJar().isPresent(), "needs the packaged server jar");
        Path lonely = Files.createDirectories(root.resolve("lonely"));
        Path jar = Files.copy(ServerCommand.serverJar().get(), lonely.resolve("kling-mcp.jar"));
        try (MockFal fal = startMock()) {
            ServerSetup setup = ServerSetup.under(root, fal.baseUrl(), KEY);
            McpSyncClient client = connect(
                    ServerCommand.javaExecutable(),
                    List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "serve"),
                    setup);
            try {
                String jobId = generateAndWait(client, "1:1");
                CallToolResult result = ToolCall.succeeded(client, "result", Map.of("job_id", jobId, "preview", true));
                assertThat(images(result)).isEmpty();
                JsonNode json = ToolCall.structuredOf(result);
                assertThat(json.at("/preview/skipped").asBoolean()).isTrue();
                assertThat(json.at("/preview/reason").asText()).contains("kling-mcp-preview.jar");
                assertThat(text(result)).contains("No preview");
                assertThat(Path.of(json.at("/download/path").asText())).isRegularFile();
            } finally {
                client.closeGracefully();
            }
        }
    }

    private MockFal startMock() throws Exception {
        return MockFal.start(new MockFalOptions()
                .setSpeed(1000)
                .addApiKey(KEY)
                .setLogRequests(false)
                .setStorageDir(Files.createDirectories(root.resolve("mock-storage"))));
    }

    private static McpSyncClient connect(String java, List<String> args, ServerSetup setup) {
        ServerParameters params = ServerParameters.builder(java)
                .args(args)
                .env(setup.environment())
                .build();
        McpSyncClient client = McpClient.sync(new CleanStdioTransport(params, setup.workDir()))
                .clientInfo(Implementation.builder("preview-test", "1.0.0").build())
                .requestTimeout(Duration.ofSeconds(70))
                .initializationTimeout(Duration.ofSeconds(60))
                .build();
        client.initialize();
        return client;
    }

    /** A 3 s reference-to-video job of {@code ratio}, followed until it succeeded. */
    private static String generateAndWait(McpSyncClient client, String ratio) {
        CallToolResult generated = ToolCall.succeeded(
                client,
                "generate",
                Map.of(
                        "model", "o3/pro/reference-to-video",
                        "prompt", "a paper boat drifting on a calm lake",
                        "duration", "3",
                        "aspect_ratio", ratio));
        String jobId = ToolCall.structuredOf(generated).path("job_id").asText();
        String status = "";
        for (int round = 0; round < 10 && !"SUCCEEDED".equals(status); round++) {
            status = ToolCall.structuredOf(
                            ToolCall.succeeded(client, "status", Map.of("job_id", jobId, "wait_seconds", 10)))
                    .at("/job/status")
                    .asText();
        }
        assertThat(status).as("job %s", jobId).isEqualTo("SUCCEEDED");
        return jobId;
    }

    private static List<ImageContent> images(CallToolResult result) {
        return result.content().stream()
                .filter(ImageContent.class::isInstance)
                .map(ImageContent.class::cast)
                .toList();
    }

    private static String text(CallToolResult result) {
        return result.content().stream()
                .filter(TextContent.class::isInstance)
                .map(c -> ((TextContent) c).text())
                .collect(Collectors.joining("\n"));
    }
}
