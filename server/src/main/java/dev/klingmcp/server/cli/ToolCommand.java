package dev.klingmcp.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.tools.ToolJson;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * A subcommand for people and scripts that is one MCP tool call (or a few) on this same server, spawned over stdio:
 * what it prints is what the tool answered ({@code --json}: the tool's {@code structuredContent}, valid against the
 * tool's output schema), and its exit code says how it went.
 */
abstract class ToolCommand implements Callable<Integer> {

    /** Exit codes: 0 done; the rest name what to fix (listed in every subcommand's help). */
    static final int OK = 0;

    static final int FAILED = 1;

    static final int INVALID = 2;

    static final int NO_KEY = 3;

    static final int NOT_FOUND = 4;

    static final int FAL_PROBLEM = 5;

    static final String EXIT_CODES = "Exit codes: 0 done, 1 the job failed or another error, 2 invalid arguments,"
            + " 3 FAL_KEY missing, 4 no such job, 5 fal refused or could not be reached.";

    @ParentCommand
    KlingMcpCommand parent;

    @Option(names = "--json", description = "Print the tool's structured answer as JSON (its output schema) on stdout.")
    boolean json;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of settings (keys as in --set).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any setting, as for serve.")
    Map<String, String> settings = new LinkedHashMap<>();

    final PrintStream err = System.err;

    private ProgressBar bar;

    /** Calls the tools this command needs; returns the last answer, which decides the output and the exit code. */
    abstract CallToolResult run(McpSyncClient client);

    @Override
    public final Integer call() {
        List<String> serveArgs = new ArrayList<>();
        if (configFile != null) {
            serveArgs.add("--config");
            serveArgs.add(configFile.toString());
        }
        settings.forEach((k, v) -> {
            serveArgs.add("--set");
            serveArgs.add(k + "=" + v);
        });
        bar = ProgressBar.onTerminal(err);
        McpSyncClient client = LocalServer.connect(Map.of(), serveArgs, bar, err::println);
        CallToolResult result;
        try {
            result = run(client);
        } finally {
            bar.finish();
            client.closeGracefully();
        }
        return print(result);
    }

    ProgressBar bar() {
        return bar;
    }

    /** One tool call; {@code progress} asks for progress notifications (shown as a bar on a terminal). */
    static CallToolResult call(McpSyncClient client, String tool, ObjectNode args, boolean progress) {
        CallToolRequest.Builder request = CallToolRequest.builder(tool).arguments(ToolJson.toMap(args));
        if (progress) {
            request.progressToken("cli-" + tool);
        }
        return client.callTool(request.build());
    }

    static JsonNode structured(CallToolResult result) {
        return ToolJson.MAPPER.valueToTree(result.structuredContent());
    }

    private int print(CallToolResult result) {
        PrintStream out = parent == null ? System.out : parent.protocolOut();
        boolean error = Boolean.TRUE.equals(result.isError());
        if (json) {
            out.println(pretty(structured(result)));
        } else {
            for (var c : result.content()) {
                if (c instanceof TextContent text) {
                    (error ? err : out).println(text.text());
                }
            }
        }
        out.flush();
        return error ? exitCode(structured(result).at("/error/code").asText()) : OK;
    }

    private static String pretty(JsonNode node) {
        try {
            return ToolJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return ToolJson.compact(node);
        }
    }

    static int exitCode(String errorCode) {
        return switch (errorCode) {
            case "invalid_input" -> INVALID;
            case "fal_key_missing" -> NO_KEY;
            case "not_found" -> NOT_FOUND;
            case "fal_error", "fal_unreachable" -> FAL_PROBLEM;
            default -> FAILED;
        };
    }
}
