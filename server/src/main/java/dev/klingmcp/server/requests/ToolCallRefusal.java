package dev.klingmcp.server.requests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@code tools/call} answered with JSON-RPC "Invalid params" before the SDK sees it ({@link UnknownTools},
 * {@link ToolCallArguments}): which messages qualify, and the shape of the answer.
 */
final class ToolCallRefusal {

    /** JSON-RPC "Invalid params", what MCP specifies for a tool call the server cannot take. */
    static final int INVALID_PARAMS = -32602;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolCallRefusal() {}

    /** Whether {@code message} is a {@code tools/call} request (it has an id, so it expects an answer). */
    static boolean isToolCallRequest(JsonNode message) {
        return message != null
                && message.isObject()
                && "tools/call".equals(message.path("method").asText())
                && message.hasNonNull("id");
    }

    /** The error response to {@code request}; {@code error(response)} is its error object, for any data. */
    static ObjectNode invalidParams(JsonNode request, String message) {
        ObjectNode response = JSON.createObjectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", request.get("id"));
        ObjectNode error = response.putObject("error");
        error.put("code", INVALID_PARAMS);
        error.put("message", message);
        return response;
    }

    /** The error object of a response made by {@link #invalidParams}. */
    static ObjectNode error(ObjectNode response) {
        return (ObjectNode) response.get("error");
    }
}
