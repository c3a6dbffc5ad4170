package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON between Jackson trees (the wire) and the SDK's schema records (what the handlers take and return). The
 * conversions go through the SDK's own Jackson mapper, tree to record and back, with no JSON text in between: the
 * mapper's annotations and settings are the SDK's, so the tree is what the SDK's lane would send.
 */
final class ModernJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final McpJsonMapper SDK = McpJsonDefaults.getMapper();

    /** The SDK's Jackson mapper, or null when the SDK was given another JSON binding (then text is the bridge). */
    private static final ObjectMapper SDK_JACKSON =
            SDK instanceof JacksonMcpJsonMapper jackson ? jackson.getObjectMapper() : null;

    private ModernJson() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** An SDK record (or any value) as a tree, serialized the way the SDK lane would send it. */
    static JsonNode tree(Object value) {
        try {
            return SDK_JACKSON != null
                    ? SDK_JACKSON.valueToTree(value)
                    : MAPPER.readTree(SDK.writeValueAsString(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fields of a tool result in the order the SDK writes them (a probe with every field set). */
    private static final List<String> RESULT_FIELDS = fieldOrder();

    private static List<String> fieldOrder() {
        List<String> names = new ArrayList<>();
        tree(new CallToolResult(List.of(), false, Map.of(), Map.of()))
                .fieldNames()
                .forEachRemaining(names::add);
        return List.copyOf(names);
    }

    /**
     * A tool result as a tree, the same JSON as {@link #tree}: a {@code structuredContent} that is already a tree (the
     * tools build theirs as one) goes in as it is, not copied token by token; the rest of the record is converted.
     */
    static ObjectNode toolResult(CallToolResult result) {
        if (!(result.structuredContent() instanceof ObjectNode structured)) {
            return (ObjectNode) tree(result);
        }
        ObjectNode rest =
                (ObjectNode) tree(new CallToolResult(result.content(), result.isError(), null, result.meta()));
        ObjectNode out = MAPPER.createObjectNode();
        for (String name : RESULT_FIELDS) {
            JsonNode value = STRUCTURED.equals(name) ? structured : rest.get(name);
            if (value != null) {
                out.set(name, value);
            }
        }
        rest.properties().forEach(f -> {
            if (!out.has(f.getKey())) {
                out.set(f.getKey(), f.getValue());
            }
        });
        return out;
    }

    private static final String STRUCTURED = "structuredContent";

    /**
     * An object node as the maps, lists and scalars Jackson reads into a {@code Map<String, Object>} (what the SDK's
     * records hold for arguments and {@code _meta}), in one walk instead of a conversion through a token buffer.
     */
    static Map<String, Object> plain(ObjectNode node) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            out.put(f.getKey(), plainValue(f.getValue()));
        }
        return out;
    }

    private static Object plainValue(JsonNode v) {
        if (v instanceof ObjectNode o) {
            return plain(o);
        }
        if (v.isArray()) {
            List<Object> out = new ArrayList<>(v.size());
            for (JsonNode e : v) {
                out.add(plainValue(e));
            }
            return out;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isNumber()) {
            return v.numberValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isNull() || v.isMissingNode()) {
            return null;
        }
        return MAPPER.convertValue(v, Object.class); // binary or POJO nodes: never parsed from JSON text
    }

    /** A tree as an SDK record. */
    static <T> T record(JsonNode node, Class<T> type) {
        try {
            return SDK_JACKSON != null
                    ? SDK_JACKSON.treeToValue(node, type)
                    : SDK.readValue(MAPPER.writeValueAsString(node), type);
        } catch (IOException | IllegalArgumentException e) {
            throw ModernError.invalidParams(
                    "params are not a valid " + type.getSimpleName() + ": " + e.getMessage(), null);
        }
    }
}
