package dev.klingmcp.server.requests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Answers a {@code tools/call} naming a tool this server does not have with an error that lists the tools it has, so an
 * agent that guessed a name ({@code generate_video}, {@code get_status}) can correct itself. The SDK's own answer only
 * says "Unknown tool". Transports ask before handing a request to the SDK.
 */
public final class UnknownTools {

    /** A refused name is echoed at most this long. */
    private static final int ECHO = 60;

    private final List<String> names;

    public UnknownTools(List<String> names) {
        this.names = List.copyOf(names);
    }

    /** The JSON-RPC error response to {@code message} when it calls a tool not in the list, else null. */
    public ObjectNode answer(JsonNode message) {
        if (!ToolCallRefusal.isToolCallRequest(message)) {
            return null;
        }
        JsonNode name = message.path("params").path("name");
        if (name.isTextual() && names.contains(name.asText())) {
            return null;
        }
        String shown = name.isTextual() ? "'" + clip(name.asText()) + "'" : "missing (params.name)";
        ObjectNode response = ToolCallRefusal.invalidParams(
                message, "Unknown tool: " + shown + ". This server's tools are: " + String.join(", ", names));
        ObjectNode data = ToolCallRefusal.error(response).putObject("data");
        if (name.isTextual()) {
            data.put("name", clip(name.asText()));
        }
        names.forEach(data.putArray("tools")::add);
        return response;
    }

    private static String clip(String s) {
        return s.length() <= ECHO ? s : s.substring(0, ECHO) + "…";
    }
}
