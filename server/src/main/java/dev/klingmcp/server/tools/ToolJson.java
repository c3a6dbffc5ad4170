package dev.klingmcp.server.tools;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** The one Jackson mapper of the tool layer, and the conversions between tool arguments, JSON trees and SDK maps. */
public final class ToolJson {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private ToolJson() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** Tool arguments as a mutable tree ({@code null} arguments become an empty object). */
    public static ObjectNode tree(Map<String, Object> arguments) {
        return arguments == null ? object() : MAPPER.valueToTree(arguments);
    }

    /** What the SDK wants for {@code structuredContent} and schemas: plain maps, lists and scalars. */
    public static Map<String, Object> toMap(JsonNode node) {
        return MAPPER.convertValue(node, MAP);
    }

    public static String compact(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A classpath JSON resource; a missing or broken one is a packaging bug, so it fails loudly. */
    public static ObjectNode resource(String path) {
        try (var in = ToolJson.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + path);
            }
            return (ObjectNode) MAPPER.readTree(in);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable classpath resource " + path, e);
        }
    }
}
