package dev.klingmcp.server.tools;

import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;

/** One MCP tool of this server: its declaration and its handler. */
public interface KlingTool {

    /** Name, description, input and output schema, annotations. */
    Tool tool();

    /** Handles one call. Bad input must come back as an {@code isError} result, never as an exception. */
    CallToolResult call(McpSyncServerExchange exchange, CallToolRequest request);

    /**
     * Whether this call may be tried on the transport's own thread (no hand-off to a call thread): it answers from
     * local state, and whatever would wait (on fal, on the ledger opening) throws {@code CallDeadline.WouldBlock} first.
     */
    default boolean answersInline(CallToolRequest request) {
        return false;
    }

    /** The request's {@code _meta.progressToken}, or null when the client did not ask for progress. */
    static Object progressToken(CallToolRequest request) {
        return request.meta() == null ? null : request.meta().get("progressToken");
    }
}
