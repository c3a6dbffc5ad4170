package dev.klingmcp.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.tools.ToolJson;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ImageContent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The tool-backed subcommands: each is the MCP tool of the same name (see {@link ToolCommand}). */
final class ToolSubcommands {

    /** The longest one status call waits (the tools' own bound); longer waits are several calls. */
    private static final int MAX_WAIT_PER_CALL = 50;

    private ToolSubcommands() {}

    @Command(
            name = "models",
            mixinStandardHelpOptions = true,
            description = "The models: fields, limits, prices, typical run time (the describe_models tool).",
            footer = {"", ToolCommand.EXIT_CODES})
    static final class Models extends ToolCommand {
        @Override
        CallToolResult run(McpSyncClient client) {
            return call(client, "describe_models", ToolJson.object(), false);
        }
    }

    @Command(
            name = "generate",
            mixinStandardHelpOptions = true,
            description = "Validate, price and submit one job (the generate tool). Real jobs cost money: try"
                    + " --dry-run first.",
            footer = {"", ToolCommand.EXIT_CODES})
    static final class Generate extends ToolCommand {

        @Option(names = "--model", required = true, description = "e.g. o3/standard/image-to-video (see: models).")
        String model;

        @Option(names = "--prompt", description = "What the video shows.")
        String prompt;

        @Option(names = "--image-url", paramLabel = "URL", description = "Start frame (image-to-video).")
        String imageUrl;

        @Option(names = "--duration", paramLabel = "SECONDS", description = "3 to 15.")
        String duration;

        @Option(
                names = "--field",
                paramLabel = "NAME=VALUE",
                description = "Any other input field of the model; a VALUE that parses as JSON is sent as such.")
        Map<String, String> fields = new LinkedHashMap<>();

        @Option(names = "--input", paramLabel = "FILE", description = "A JSON object of input fields.")
        Path input;

        @Option(names = "--dry-run", description = "Validate and price only; nothing is submitted or charged.")
        boolean dryRun;

        @Option(names = "--wait", paramLabel = "SECONDS", description = "Then follow the job this long (progress bar).")
        int waitSeconds;

        @Override
        CallToolResult run(McpSyncClient client) {
            ObjectNode args = input == null ? ToolJson.object() : readObject(input);
            args.put("model", model);
            putIfSet(args, "prompt", prompt);
            putIfSet(args, "image_url", imageUrl);
            putIfSet(args, "duration", duration);
            fields.forEach((k, v) -> args.set(k, jsonOrText(v)));
            if (dryRun) {
                args.put("dry_run", true);
            }
            CallToolResult submitted = call(client, "generate", args, false);
            if (dryRun || waitSeconds <= 0 || Boolean.TRUE.equals(submitted.isError())) {
                return submitted;
            }
            return Status.follow(client, structured(submitted).path("job_id").asText(), waitSeconds);
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "A job's state, queue position, logs and ETA (the status tool).",
            footer = {"", ToolCommand.EXIT_CODES})
    static final class Status extends ToolCommand {

        @Parameters(paramLabel = "JOB_ID")
        String jobId;

        @Option(
                names = "--wait",
                paramLabel = "SECONDS",
                description = "Follow the job up to this long (progress bar).")
        int waitSeconds;

        @Override
        CallToolResult run(McpSyncClient client) {
            return follow(client, jobId, waitSeconds);
        }

        /** Status calls of at most {@value #MAX_WAIT_PER_CALL} s each until the job finished or the time is up. */
        static CallToolResult follow(McpSyncClient client, String jobId, int seconds) {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            CallToolResult last;
            do {
                long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000_000L);
                int wait = (int) Math.min(MAX_WAIT_PER_CALL, left);
                last = call(
                        client, "status", ToolJson.object().put("job_id", jobId).put("wait_seconds", wait), true);
            } while (!Boolean.TRUE.equals(last.isError())
                    && !structured(last).path("finished").asBoolean(false)
                    && System.nanoTime() < deadline);
            return last;
        }
    }

    @Command(
            name = "result",
            mixinStandardHelpOptions = true,
            description = "A finished job's video (the result tool); --download saves it to the output folder.",
            footer = {"", ToolCommand.EXIT_CODES})
    static final class Result extends ToolCommand {

        @Parameters(paramLabel = "JOB_ID")
        String jobId;

        @Option(names = "--download", description = "Save the video locally (path and sha256 are printed).")
        boolean download;

        @Option(
                names = "--preview",
                paramLabel = "FILE",
                description =
                        "Also write a PNG of the first frame (at most 320 px a side) to FILE; saves the video too.")
        Path preview;

        @Override
        CallToolResult run(McpSyncClient client) {
            ObjectNode args = ToolJson.object().put("job_id", jobId).put("download", download);
            if (preview != null) {
                args.put("preview", true);
            }
            CallToolResult result = call(client, "result", args, false);
            if (preview != null && !Boolean.TRUE.equals(result.isError())) {
                writePreview(result);
            }
            return result;
        }

        /** The image content, decoded, to the file; why there is none otherwise (stderr: stdout may be --json). */
        private void writePreview(CallToolResult result) {
            for (var c : result.content()) {
                if (c instanceof ImageContent image) {
                    try {
                        Files.write(preview, Base64.getDecoder().decode(image.data()));
                        err.println("Preview (first frame, " + image.mimeType() + ") written to " + preview);
                    } catch (IOException e) {
                        err.println("kling-mcp: cannot write the preview to " + preview + ": " + e.getMessage());
                    }
                    return;
                }
            }
            err.println("No preview written: "
                    + structured(result).at("/preview/reason").asText("the job has no video yet"));
        }
    }

    @Command(
            name = "cancel",
            mixinStandardHelpOptions = true,
            description = "Ask fal to cancel a queued job (the cancel tool).",
            footer = {"", ToolCommand.EXIT_CODES})
    static final class Cancel extends ToolCommand {

        @Parameters(paramLabel = "JOB_ID")
        String jobId;

        @Override
        CallToolResult run(McpSyncClient client) {
            return call(client, "cancel", ToolJson.object().put("job_id", jobId), false);
        }
    }

    @Command(
            name = "jobs",
            mixinStandardHelpOptions = true,
            description = "The local job ledger, newest first, with cost totals (the list_jobs tool).",
            footer = {"", ToolCommand.EXIT_CODES})
    static final class Jobs extends ToolCommand {

        @Option(names = "--status", description = "QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, ...")
        String status;

        @Option(names = "--model", description = "Only this model.")
        String model;

        @Option(names = "--since", paramLabel = "TIME", description = "ISO-8601 instant, e.g. 2026-01-31T00:00:00Z.")
        String since;

        @Option(names = "--limit", description = "At most this many jobs (default 20).")
        Integer limit;

        @Override
        CallToolResult run(McpSyncClient client) {
            ObjectNode args = ToolJson.object();
            putIfSet(args, "status", status);
            putIfSet(args, "model", model);
            putIfSet(args, "since", since);
            if (limit != null) {
                args.put("limit", limit);
            }
            return call(client, "list_jobs", args, false);
        }
    }

    @Command(
            name = "upload",
            mixinStandardHelpOptions = true,
            description = "Upload a local image or video (under upload.roots) to fal storage; prints its URL.",
            footer = {"", ToolCommand.EXIT_CODES})
    static final class Upload extends ToolCommand {

        @Parameters(paramLabel = "PATH")
        Path path;

        @Override
        CallToolResult run(McpSyncClient client) {
            return call(
                    client,
                    "upload",
                    ToolJson.object().put("path", path.toAbsolutePath().toString()),
                    false);
        }
    }

    private static void putIfSet(ObjectNode args, String name, String value) {
        if (value != null) {
            args.put(name, value);
        }
    }

    private static JsonNode jsonOrText(String value) {
        try {
            return ToolJson.MAPPER.readTree(value);
        } catch (IOException e) {
            return ToolJson.MAPPER.getNodeFactory().textNode(value);
        }
    }

    private static ObjectNode readObject(Path file) {
        try {
            JsonNode node = ToolJson.MAPPER.readTree(Files.readString(file));
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalArgumentException(file + " does not hold a JSON object");
            }
            return object;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
