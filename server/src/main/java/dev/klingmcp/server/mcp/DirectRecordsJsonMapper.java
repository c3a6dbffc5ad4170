package dev.klingmcp.server.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCNotification;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SDK's Jackson mapper, except for the conversions every request pays: a parsed JSON-RPC request or notification
 * (a map) to its record, and a {@code tools/call}'s params to {@link CallToolRequest}. Jackson converts a map by
 * writing it into a token buffer and reading the record back from it, copying every nested map and list on the way;
 * here the record is built from the map's own values, which is what that round trip yields for values of the types
 * checked below (a string stays that string, a map decoded from JSON stays an equal map in the same order).
 *
 * <p>Whatever does not match exactly (a missing or mistyped field, a value the record's constructor would refuse, a map
 * of another kind) goes to Jackson, so its coercions, defaults and error messages stay the SDK's own. Everything else
 * (reading, writing, other types) is Jackson's.
 */
public final class DirectRecordsJsonMapper implements McpJsonMapper {

    private final McpJsonMapper jackson;

    DirectRecordsJsonMapper(McpJsonMapper jackson) {
        this.jackson = jackson;
    }

    /** Over the SDK's default mapper (Jackson 2). */
    public static McpJsonMapper overSdkDefault() {
        return new DirectRecordsJsonMapper(McpJsonDefaults.getMapper());
    }

    @Override
    public <T> T convertValue(Object fromValue, Class<T> type) {
        if (fromValue instanceof Map<?, ?> map) {
            Object direct = null;
            if (type == JSONRPCRequest.class) {
                direct = request(map);
            } else if (type == JSONRPCNotification.class) {
                direct = notification(map);
            }
            if (direct != null) {
                return type.cast(direct);
            }
        }
        return jackson.convertValue(fromValue, type);
    }

    @Override
    public <T> T convertValue(Object fromValue, TypeRef<T> type) {
        if (type.getType() == CallToolRequest.class && fromValue instanceof Map<?, ?> map) {
            CallToolRequest direct = callToolRequest(map);
            if (direct != null) {
                @SuppressWarnings("unchecked") // the TypeRef's type is CallToolRequest itself
                T cast = (T) direct;
                return cast;
            }
        }
        return jackson.convertValue(fromValue, type);
    }

    /** The request record, or null when Jackson must decide (its constructor accepts exactly these values). */
    private static JSONRPCRequest request(Map<?, ?> map) {
        Object jsonrpc = map.get("jsonrpc");
        Object method = map.get("method");
        Object id = map.get("id");
        Object params = map.get("params");
        if (jsonrpc instanceof String version
                && !version.isBlank()
                && method instanceof String name
                && (id instanceof String || id instanceof Integer || id instanceof Long)
                && isPlainObjectOrAbsent(params)) {
            return new JSONRPCRequest(version, name, id, params);
        }
        return null;
    }

    private static JSONRPCNotification notification(Map<?, ?> map) {
        Object jsonrpc = map.get("jsonrpc");
        Object method = map.get("method");
        Object params = map.get("params");
        if (jsonrpc instanceof String version
                && !version.isBlank()
                && method instanceof String name
                && isPlainObjectOrAbsent(params)) {
            return new JSONRPCNotification(version, name, params);
        }
        return null;
    }

    @SuppressWarnings("unchecked") // checked: a LinkedHashMap decoded from JSON has string keys
    private static CallToolRequest callToolRequest(Map<?, ?> params) {
        Object name = params.get("name");
        Object arguments = params.get("arguments");
        Object meta = params.get("_meta");
        if (name instanceof String tool && isPlainObjectOrAbsent(arguments) && isPlainObjectOrAbsent(meta)) {
            return new CallToolRequest(tool, (Map<String, Object>) arguments, (Map<String, Object>) meta);
        }
        return null;
    }

    /**
     * Null, or a JSON object as Jackson decodes one into a map: a {@link LinkedHashMap} with string keys (its iteration
     * order is the document's, as Jackson's copy would have it).
     */
    private static boolean isPlainObjectOrAbsent(Object value) {
        if (value == null) {
            return true;
        }
        if (value.getClass() != LinkedHashMap.class) {
            return false;
        }
        for (Object key : ((Map<?, ?>) value).keySet()) {
            if (!(key instanceof String)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public <T> T readValue(String content, Class<T> type) throws IOException {
        return jackson.readValue(content, type);
    }

    @Override
    public <T> T readValue(byte[] content, Class<T> type) throws IOException {
        return jackson.readValue(content, type);
    }

    @Override
    public <T> T readValue(String content, TypeRef<T> type) throws IOException {
        return jackson.readValue(content, type);
    }

    @Override
    public <T> T readValue(byte[] content, TypeRef<T> type) throws IOException {
        return jackson.readValue(content, type);
    }

    @Override
    public String writeValueAsString(Object value) throws IOException {
        return jackson.writeValueAsString(value);
    }

    @Override
    public byte[] writeValueAsBytes(Object value) throws IOException {
        return jackson.writeValueAsBytes(value);
    }
}
