package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import java.util.Optional;

/**
 * One tool call: the exchange, the request and its arguments, read after the tool's schema has checked them. The readers
 * therefore do no type or range checking; an absent argument reads as the {@code default} its schema declares, so a
 * default is written once, in the schema the client sees.
 */
final class ToolCall {

    private final McpSyncServerExchange exchange;

    private final CallToolRequest request;

    private final ObjectNode args;

    private final JsonNode properties;

    ToolCall(McpSyncServerExchange exchange, CallToolRequest request, JsonNode properties) {
        this.exchange = exchange;
        this.request = request;
        this.args = ToolJson.tree(request.arguments());
        this.properties = properties;
    }

    McpSyncServerExchange exchange() {
        return exchange;
    }

    CallToolRequest request() {
        return request;
    }

    /** The arguments as sent (a tree the caller may not change). */
    ObjectNode args() {
        return args;
    }

    /**
     * A string argument, stripped of white space; null when absent or not a string. {@code strip()}, not {@code trim()}:
     * trim would silently drop leading control characters such as a NUL.
     */
    String text(String name) {
        JsonNode v = args.get(name);
        return v != null && v.isTextual() ? v.asText().strip() : null;
    }

    boolean flag(String name) {
        JsonNode v = args.get(name);
        return (v != null && v.isBoolean())
                ? v.asBoolean()
                : schemaDefault(name).asBoolean(false);
    }

    int number(String name) {
        JsonNode v = args.get(name);
        return v != null && v.canConvertToExactIntegral()
                ? v.asInt()
                : schemaDefault(name).asInt(0);
    }

    /** The {@code job_id} every job tool takes. */
    String jobId() {
        return text("job_id");
    }

    /** The {@code model} argument resolved in the registry; empty when absent (or not a model, if unchecked). */
    Optional<FalEndpoint> model(FalEndpoints registry) {
        return registry.find(text("model"));
    }

    private JsonNode schemaDefault(String name) {
        return properties.path(name).path("default");
    }
}
