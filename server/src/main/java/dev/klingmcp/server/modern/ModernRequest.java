package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;

/**
 * One modern request after its envelope was checked.
 *
 * @param id           the JSON-RPC id (string or number, kept as sent)
 * @param method       the method
 * @param params       the params (never null; {@code _meta} included)
 * @param capabilities the client capabilities declared for this request only
 * @param logLevel     the lowest log level the request asked for, or null for no log messages
 * @param channel      the request's response stream
 */
record ModernRequest(
        JsonNode id,
        String method,
        ObjectNode params,
        ObjectNode capabilities,
        LoggingLevel logLevel,
        ModernChannel channel) {

    /** Whether this request declared the tasks extension. */
    boolean declaresTasks() {
        return capabilities.path("extensions").has(ModernProtocol.TASKS_EXTENSION);
    }

    /** Whether this request declared form elicitation (an empty {@code elicitation} object means form). */
    boolean declaresElicitationForm() {
        JsonNode e = capabilities.get("elicitation");
        return e != null && e.isObject() && (e.isEmpty() || e.has("form"));
    }

    JsonNode meta() {
        return params.path(ModernProtocol.META);
    }
}
