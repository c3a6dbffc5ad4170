package dev.klingmcp.server.requests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a transport does with a message of the SDK's (2025-11-25) lane before the SDK sees it, where the JSON-RPC id is
 * still known: a {@code notifications/cancelled} is consumed here ({@link InFlightCalls}; the SDK would only warn about
 * it), a {@code tools/call} of a tool the server lacks is answered here ({@link UnknownTools}), and any other
 * {@code tools/call} is marked so that its handler can be cancelled. A {@code tools/call} whose arguments are not an
 * object is answered here too ({@link ToolCallArguments}).
 */
public final class LegacyFront {

    /**
     * What to do with one incoming message.
     *
     * @param consumed the SDK must not see the message
     * @param answer   the response to send instead (with {@code consumed}), or null
     * @param marked   the message was changed in place (re-serialize it before handing it on)
     */
    public record Outcome(boolean consumed, ObjectNode answer, boolean marked) {}

    private static final Outcome PASS = new Outcome(false, null, false);

    private LegacyFront() {}

    /**
     * Looks at one incoming message before the SDK does: cancels, unknown tools, tool calls to mark.
     *
     * @param session the connection (stdio) or session (HTTP) the message came on, as an opaque string
     * @param tools   the refusal of unknown tools, or null when the transport has none configured
     */
    public static Outcome inspect(String session, JsonNode message, UnknownTools tools) {
        if (message == null || !message.isObject()) {
            return PASS;
        }
        if (InFlightCalls.cancelled(session, message)) {
            return new Outcome(true, null, false);
        }
        ObjectNode refusal = tools == null ? null : tools.answer(message);
        if (refusal == null) {
            refusal = ToolCallArguments.refusal(message);
        }
        if (refusal != null) {
            return new Outcome(true, refusal, false);
        }
        if ("tools/call".equals(message.path("method").asText())) {
            InFlightCalls.mark(session, message);
            return new Outcome(false, null, true);
        }
        return PASS;
    }
}
