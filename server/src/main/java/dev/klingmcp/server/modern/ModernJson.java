package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON between Jackson trees (the wire) and the SDK's schema records (what the handlers take and return). */
final class ModernJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final McpJsonMapper SDK = McpJsonDefaults.getMapper();

    private ModernJson() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** An SDK record (or any value) as a tree, serialized the way the SDK lane would send it. */
    static JsonNode tree(Object value) {
        try {
            return MAPPER.readTree(SDK.writeValueAsString(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tree as an SDK record. */
    static <T> T record(JsonNode node, Class<T> type) {
        try {
            return SDK.readValue(MAPPER.writeValueAsString(node), type);
        } catch (IOException e) {
            throw ModernError.invalidParams(
                    "params are not a valid " + type.getSimpleName() + ": " + e.getMessage(), null);
        }
    }
}
