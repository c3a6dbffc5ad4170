package dev.klingmcp.server.requests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Locale;

/**
 * The shape of a {@code tools/call}'s {@code params.arguments}: an object of the tool's fields, or absent. Agents built on
 * function-calling APIs, whose arguments arrive as JSON text, sometimes pass that text on as a string; the SDK then fails
 * deep in its deserializer (an internal error quoting Jackson) and the stateless lane would read no fields at all and
 * report them missing. Both lanes answer "Invalid params" saying what to send instead.
 */
public final class ToolCallArguments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolCallArguments() {}

    /** Why {@code arguments} cannot be a tool's arguments, or null when it can (an object, null or absent). */
    public static String problem(JsonNode arguments) {
        if (arguments == null || arguments.isNull() || arguments.isMissingNode() || arguments.isObject()) {
            return null;
        }
        String got = arguments.isTextual()
                ? "a string"
                : arguments.isArray()
                        ? "an array"
                        : "a " + arguments.getNodeType().name().toLowerCase(Locale.ROOT);
        String hint = holdsObject(arguments)
                ? ": the string holds JSON text; send the object itself, e.g. \"arguments\": {\"job_id\": \"…\"}"
                : ": send the tool's fields by name, e.g. \"arguments\": {\"job_id\": \"…\"}";
        return "params.arguments must be a JSON object, got " + got + hint;
    }

    /** The JSON-RPC error response to a {@code tools/call} request whose arguments are not an object, else null. */
    public static ObjectNode refusal(JsonNode message) {
        if (!ToolCallRefusal.isToolCallRequest(message)) {
            return null;
        }
        String problem = problem(message.path("params").get("arguments"));
        if (problem == null) {
            return null;
        }
        return ToolCallRefusal.invalidParams(message, "Invalid params: " + problem);
    }

    private static boolean holdsObject(JsonNode arguments) {
        if (!arguments.isTextual()) {
            return false;
        }
        try {
            return JSON.readTree(arguments.asText()).isObject();
        } catch (IOException e) {
            return false;
        }
    }
}
