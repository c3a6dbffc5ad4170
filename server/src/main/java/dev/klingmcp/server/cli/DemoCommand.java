package dev.klingmcp.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.config.ConfigKeys;
import dev.klingmcp.server.mockfal.EmbeddedMockFal;
import dev.klingmcp.server.mockfal.EmbeddedMockFals;
import dev.klingmcp.server.tools.ToolJson;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code demo}: the whole agent flow against an embedded mock of fal, through MCP exactly as an agent would drive it:
 * this process starts mock-fal, spawns {@code kling-mcp serve} as a child speaking stdio, and calls its tools with the
 * SDK's client: describe_models, upload, generate (dry run, then for real), status with a progress bar, result with
 * download. It prints the saved MP4's path, size, duration, sha256 and the (simulated) cost.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run the full flow against an embedded mock of fal (offline, nothing is billed), through MCP.")
public final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            defaultValue = "o3/standard/image-to-video",
            description = "Model (default ${DEFAULT-VALUE}).")
    String model;

    @Option(
            names = "--duration",
            defaultValue = "5",
            description = "Seconds of video, 3-15 (default ${DEFAULT-VALUE}).")
    int duration;

    @Option(
            names = {"--mock-speed", "--speed"},
            paramLabel = "FACTOR",
            defaultValue = "25",
            description = "How much faster than fal's typical timing the mock runs (default ${DEFAULT-VALUE}).")
    double speed;

    @Option(
            names = "--dir",
            defaultValue = "kling-mcp-demo",
            description = "Working folder (default ./${DEFAULT-VALUE}).")
    Path dir;

    @ParentCommand
    KlingMcpCommand parent;

    private final PrintStream err = System.err;

    private int progressTokens;

    /** The options checked before anything starts: a bad one is a one-line error, not a stack trace half-way. */
    String invalidOption() {
        if (FalEndpoints.load().find(model).isEmpty()) {
            return "--model " + model + " is not a model; allowed: "
                    + String.join(
                            ", ",
                            FalEndpoints.load().all().stream()
                                    .map(FalEndpoint::shortName)
                                    .toList());
        }
        if (duration < 3 || duration > 15) {
            return "--duration " + duration + " is out of range; allowed: 3 to 15 seconds";
        }
        if (!(speed > 0) || speed > 1_000_000) {
            return "--mock-speed " + fmt(speed) + " is out of range; allowed: a number above 0 (up to 1000000)";
        }
        return null;
    }

    @Override
    public Integer call() throws Exception {
        String invalid = invalidOption();
        if (invalid != null) {
            err.println("kling-mcp demo: " + invalid);
            return 2;
        }
        Path home = Files.createDirectories(dir.toAbsolutePath());
        step("Starting the embedded mock of fal (x" + fmt(speed) + " speed) ...");
        EmbeddedMockFal embedded = EmbeddedMockFals.find();
        try (EmbeddedMockFal.Running fal = embedded.start(new EmbeddedMockFal.Settings(
                speed, ServeCommand.MOCK_KEY, Files.createDirectories(home.resolve("mock-storage")), false))) {
            ProgressBar bar = ProgressBar.onTerminal(err);
            McpSyncClient client = connect(fal, home, bar);
            try {
                return run(client, home, bar);
            } finally {
                client.closeGracefully();
            }
        }
    }

    private McpSyncClient connect(EmbeddedMockFal.Running fal, Path home, ProgressBar bar) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FAL_KEY", ServeCommand.MOCK_KEY);
        env.put("KLING_MCP_FAL_BASE_URL", fal.baseUrl());
        env.put("KLING_MCP_LEDGER_URL", "jdbc:sqlite:" + home.resolve("jobs.db"));
        env.put("KLING_MCP_OUTPUT_DIR", home.resolve("videos").toString());
        env.put("KLING_MCP_UPLOAD_ROOTS", home.toString());
        env.put(ConfigKeys.envName(ConfigKeys.FAL_TIME_SCALE), Double.toString(speed));
        step("Spawning the MCP server (java ... kling-mcp serve) and connecting over stdio ...");
        return LocalServer.connect(env, List.of(), bar, line -> bar.log("[server] " + line));
    }

    private int run(McpSyncClient client, Path home, ProgressBar bar) throws IOException {
        step("describe_models");
        JsonNode models = call(client, "describe_models", ToolJson.object(), false);
        JsonNode chosen = null;
        for (JsonNode m : models.path("models")) {
            err.printf(
                    Locale.ROOT,
                    "  %-28s $%.3f/s  %s%n",
                    m.path("short_name").asText(),
                    m.at("/pricing/usd_per_second_audio_off").asDouble(),
                    m.path("title").asText());
            if (m.path("short_name").asText().equals(model)
                    || m.path("id").asText().equals(model)) {
                chosen = m;
            }
        }
        if (chosen == null || !chosen.path("examples").has(0)) {
            err.println("demo: unknown model or no example for " + model);
            return 2;
        }
        ObjectNode args = (ObjectNode) chosen.at("/examples/0").deepCopy();
        args.put("duration", Integer.toString(duration));
        if (chosen.path("fields").findValuesAsText("name").contains("image_url")) {
            step("upload (a start frame drawn locally, sent to the mock's storage)");
            JsonNode uploaded = call(
                    client,
                    "upload",
                    ToolJson.object().put("path", startFrame(home).toString()),
                    false);
            args.put("image_url", uploaded.path("url").asText());
            err.println("  " + uploaded.path("url").asText());
        }

        step("generate (dry_run: true) to see the price first");
        JsonNode dry = call(client, "generate", args.deepCopy().put("dry_run", true), false);
        err.println("  estimate: $" + fmt(dry.at("/estimate/usd").asDouble()) + " ("
                + dry.at("/estimate/basis").asText() + ")");

        step("generate");
        JsonNode submitted = call(client, "generate", args, false);
        String jobId = submitted.path("job_id").asText();
        err.println("  job_id " + jobId + ", " + submitted.path("status").asText());

        step("status (wait_seconds: 50, with progress) until it finishes");
        JsonNode status = submitted;
        for (int round = 0; round < 20 && !status.path("finished").asBoolean(false); round++) {
            status = call(
                    client, "status", ToolJson.object().put("job_id", jobId).put("wait_seconds", 50), true);
        }
        bar.finish();
        String state = status.at("/job/status").asText();
        err.println("  " + state + " after " + status.at("/job/elapsed_seconds").asText() + " s (mock time is faster)");
        if (!"SUCCEEDED".equals(state)) {
            err.println("demo: the job did not succeed: " + status);
            return 1;
        }

        step("result (download: true)");
        JsonNode result =
                call(client, "result", ToolJson.object().put("job_id", jobId).put("download", true), false);
        Path saved = Path.of(result.at("/download/path").asText());
        double seconds = Mp4Info.durationSeconds(saved);
        // The summary goes to the real stdout (main points System.out at stderr to protect serve's protocol channel).
        PrintStream out = parent == null ? System.out : parent.protocolOut();
        out.println();
        out.println("Saved MP4: " + saved);
        out.println("  size:     " + Files.size(saved) + " bytes");
        out.println("  duration: " + (seconds < 0 ? "unknown" : fmt(seconds) + " s"));
        out.println("  sha256:   " + result.at("/download/sha256").asText());
        out.println("  cost:     $" + fmt(result.at("/estimate/usd").asDouble()) + " estimated ("
                + result.at("/estimate/basis").asText() + "); simulated by the mock, nothing was billed");
        out.println("  fal URL:  " + result.at("/video/url").asText());
        return 0;
    }

    private JsonNode call(McpSyncClient client, String tool, ObjectNode args, boolean progress) {
        CallToolRequest.Builder request = CallToolRequest.builder(tool).arguments(ToolJson.toMap(args));
        if (progress) {
            progressTokens++;
            request.progressToken("demo-" + progressTokens);
        }
        CallToolResult result = client.callTool(request.build());
        if (Boolean.TRUE.equals(result.isError())) {
            String text = result.content().stream()
                    .filter(TextContent.class::isInstance)
                    .map(c -> ((TextContent) c).text())
                    .findFirst()
                    .orElse(String.valueOf(result.structuredContent()));
            throw new IllegalStateException(tool + " failed: " + text);
        }
        return ToolJson.MAPPER.valueToTree(result.structuredContent());
    }

    /** A 1280x720 gradient PNG: fal's image limits want at least 300 px per side. */
    private static Path startFrame(Path home) throws IOException {
        BufferedImage img = new BufferedImage(1280, 720, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        for (int x = 0; x < img.getWidth(); x++) {
            g.setColor(new Color(20 + x * 200 / img.getWidth(), 60, 160));
            g.drawLine(x, 0, x, img.getHeight());
        }
        g.dispose();
        Path file = home.resolve("start-frame.png");
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    private void step(String text) {
        err.println("==> " + text);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v == Math.rint(v) ? "%.0f" : "%.2f", v);
    }
}
