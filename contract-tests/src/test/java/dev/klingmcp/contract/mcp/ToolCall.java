package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ResourceLink;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One {@code tools/call} as the client saw it.
 *
 * @param tool       tool name
 * @param arguments  what was sent
 * @param result     what came back
 * @param structured {@code structuredContent} as JSON (missing node when absent)
 */
record ToolCall(String tool, Map<String, Object> arguments, CallToolResult result, JsonNode structured) {

    static final ObjectMapper JSON = new ObjectMapper();

    static ToolCall of(String tool, Map<String, Object> arguments, CallToolResult result) {
        JsonNode structured = result.structuredContent() == null
                ? MissingNode.getInstance()
                : JSON.valueToTree(result.structuredContent());
        return new ToolCall(tool, arguments, result, structured);
    }

    /** Calls {@code tool} and fails the test, with what the tool answered, unless it succeeded. */
    static CallToolResult succeeded(McpSyncClient client, String tool, Map<String, Object> args) {
        CallToolResult result =
                client.callTool(CallToolRequest.builder(tool).arguments(args).build());
        assertThat(result.isError())
                .as("%s answered %s", tool, result.content())
                .isNotEqualTo(Boolean.TRUE);
        return result;
    }

    /** A result's {@code structuredContent} as JSON. */
    static JsonNode structuredOf(CallToolResult result) {
        return JSON.valueToTree(result.structuredContent());
    }

    boolean isError() {
        return Boolean.TRUE.equals(result.isError());
    }

    /** The text contents joined: what a model reads. */
    String text() {
        return result.content().stream()
                .filter(TextContent.class::isInstance)
                .map(c -> ((TextContent) c).text())
                .collect(Collectors.joining("\n"));
    }

    List<ResourceLink> resourceLinks() {
        return result.content().stream()
                .filter(ResourceLink.class::isInstance)
                .map(ResourceLink.class::cast)
                .toList();
    }

    /** {@code structuredContent} at a JSON Pointer, e.g. {@code /job/status}. */
    JsonNode at(String pointer) {
        return structured.at(pointer);
    }

    /** The {@code path}s of the problems an {@code invalid_input} error lists. */
    List<String> problemPaths() {
        return structured.at("/error/problems").findValuesAsText("path");
    }

    @Override
    public String toString() {
        return tool + " -> " + (isError() ? "ERROR " : "")
                + (structured.isMissingNode() ? text() : structured.toString());
    }
}
