package dev.klingmcp.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCNotification;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The records built directly equal what the SDK's Jackson conversion builds (values, their types and map order), for
 * generated messages of every shape, including ones it must leave to Jackson (then the outcome, error included, is
 * Jackson's).
 */
class DirectRecordsJsonMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final TypeRef<HashMap<String, Object>> MAP = new TypeRef<>() {};

    private static final TypeRef<CallToolRequest> CALL = new TypeRef<>() {};

    private final McpJsonMapper jackson = McpJsonDefaults.getMapper();

    private final CountingMapper counting = new CountingMapper(jackson);

    private final McpJsonMapper direct = new DirectRecordsJsonMapper(counting);

    private final Random random = new Random(20261127);

    @Test
    void messagesAndToolCallsEqualJacksonsConversion() throws Exception {
        for (int i = 0; i < 4_000; i++) {
            String text = JSON.writeValueAsString(message());
            // Exactly the SDK's path from a request body to a message record.
            assertSame(
                    () -> McpSchema.deserializeJsonRpcMessage(jackson, text),
                    () -> McpSchema.deserializeJsonRpcMessage(direct, text),
                    text);
            Object params = jackson.readValue(text, MAP).get("params");
            assertSame(() -> jackson.convertValue(params, CALL), () -> direct.convertValue(params, CALL), text);
        }
        // Both paths were compared: 8,000 conversions, of which the odd messages' went to Jackson.
        assertThat(counting.conversions).isBetween(1_000, 6_500);
    }

    @Test
    void aTypicalToolCallIsBuiltWithoutJackson() throws Exception {
        String text = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"status\","
                + "\"arguments\":{\"job_id\":\"j-1\",\"wait_seconds\":2.5},\"_meta\":{\"progressToken\":3}}}";
        JSONRPCMessage message = McpSchema.deserializeJsonRpcMessage(direct, text);
        CallToolRequest call = direct.convertValue(((JSONRPCRequest) message).params(), CALL);
        assertThat(counting.conversions).isZero();
        assertThat(call.name()).isEqualTo("status");
        assertThat(call.arguments()).containsEntry("wait_seconds", 2.5);
        assertThat(call.meta()).containsEntry("progressToken", 3);
    }

    @Test
    void otherMapsAndTypesAreJacksons() {
        Map<Object, Object> numericKeys = new LinkedHashMap<>();
        numericKeys.put(1, "a");
        Map<String, Object> params = new LinkedHashMap<>(Map.of("name", "status"));
        params.put("arguments", numericKeys);
        assertThat(direct.convertValue(params, CALL).arguments()).containsEntry("1", "a");
        Map<String, Object> notification = new LinkedHashMap<>(Map.of("jsonrpc", "2.0", "method", "ping"));
        notification.put("params", new HashMap<>(Map.of("a", 1)));
        assertThat(direct.convertValue(notification, JSONRPCNotification.class).params())
                .isInstanceOf(LinkedHashMap.class);
        assertThat(counting.conversions).isEqualTo(2);
    }

    private void assertSame(ThrowingSupplier expected, ThrowingSupplier actual, String text) {
        Object want = outcome(expected);
        Object got = outcome(actual);
        assertThat(got).as(text).isEqualTo(want);
        // Same order and number types too: the text form shows both (2 vs 2L prints alike, so compare classes).
        assertThat(String.valueOf(got)).as(text).isEqualTo(String.valueOf(want));
        assertThat(types(got)).as(text).isEqualTo(types(want));
    }

    private static Object outcome(ThrowingSupplier s) {
        try {
            return s.get();
        } catch (Exception e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    /** The classes of every value inside a record or map, in order. */
    private static String types(Object value) {
        StringBuilder out = new StringBuilder();
        collect(value, out);
        return out.toString();
    }

    private static void collect(Object value, StringBuilder out) {
        if (value instanceof JSONRPCRequest r) {
            out.append("req ").append(r.id().getClass().getSimpleName());
            collect(r.params(), out);
        } else if (value instanceof JSONRPCNotification n) {
            collect(n.params(), out);
        } else if (value instanceof CallToolRequest c) {
            collect(c.arguments(), out);
            collect(c.meta(), out);
        } else if (value instanceof Map<?, ?> m) {
            out.append(m.getClass().getSimpleName()).append('{');
            m.forEach((k, v) -> {
                out.append(k).append('=');
                collect(v, out);
            });
            out.append('}');
        } else if (value instanceof List<?> l) {
            out.append(l.getClass().getSimpleName()).append('[');
            l.forEach(v -> collect(v, out));
            out.append(']');
        } else {
            out.append(value == null ? "null" : value.getClass().getSimpleName())
                    .append(',');
        }
    }

    /** A JSON-RPC message: mostly well formed requests and notifications, sometimes with a field off. */
    private Map<String, Object> message() {
        Map<String, Object> m = new LinkedHashMap<>();
        int shape = random.nextInt(10);
        m.put("jsonrpc", oneOf("2.0", "2.0", "2.0", "2.0", "", " ", 2.0, null));
        if (shape < 8) {
            m.put(
                    "id",
                    oneOf(
                            1,
                            42,
                            Integer.MAX_VALUE,
                            1L + Integer.MAX_VALUE,
                            Long.MAX_VALUE,
                            "abc",
                            "",
                            1.5,
                            true,
                            null,
                            List.of(1),
                            new java.math.BigInteger("99999999999999999999")));
        }
        if (random.nextInt(20) > 0) {
            m.put("method", oneOf("tools/call", "tools/call", "ping", "notifications/cancelled", 5, null));
        }
        if (random.nextInt(6) > 0) {
            m.put("params", random.nextInt(8) == 0 ? value(2) : toolParams());
        }
        if (random.nextInt(8) == 0) {
            m.put("extra", value(2));
        }
        if (random.nextInt(4) == 0) {
            // Another field order: Jackson's copy keeps the document's order, so must the direct record.
            List<String> keys = new ArrayList<>(m.keySet());
            java.util.Collections.shuffle(keys, random);
            Map<String, Object> shuffled = new LinkedHashMap<>();
            keys.forEach(k -> shuffled.put(k, m.get(k)));
            return shuffled;
        }
        return m;
    }

    private Map<String, Object> toolParams() {
        Map<String, Object> p = new LinkedHashMap<>();
        if (random.nextInt(12) > 0) {
            p.put("name", oneOf("status", "generate", "", 3, null, List.of("x")));
        }
        if (random.nextInt(6) > 0) {
            p.put("arguments", random.nextInt(10) == 0 ? value(1) : object(3));
        }
        if (random.nextInt(3) == 0) {
            p.put("_meta", random.nextInt(10) == 0 ? value(1) : object(2));
        }
        if (random.nextInt(10) == 0) {
            p.put("task", object(1));
        }
        return p;
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> o = new LinkedHashMap<>();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            o.put(
                    oneOf("job_id", "wait_seconds", "prompt", "progressToken", "é", "a\"b", "k" + random.nextInt(50))
                            .toString(),
                    value(depth));
        }
        return o;
    }

    private Object value(int depth) {
        int kind = random.nextInt(depth > 0 ? 12 : 10);
        return switch (kind) {
            case 0 -> random.nextInt();
            case 1 -> random.nextLong();
            case 2 -> random.nextDouble() * 1e6;
            case 3 -> oneOf(0.0, -0.0, 1e300, 5e-324, 2.5);
            case 4 -> new java.math.BigInteger("123456789012345678901234567890");
            case 5 -> oneOf("", "text", "ünï\u2603 😀", "line\nbreak");
            case 6 -> random.nextBoolean();
            case 7 -> null;
            case 8 -> oneOf(0, 1, -1, Integer.MIN_VALUE);
            case 9 -> new java.math.BigDecimal("1.000000000000000000001");
            case 10 -> object(depth - 1);
            default -> {
                List<Object> l = new ArrayList<>();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    l.add(value(depth - 1));
                }
                yield l;
            }
        };
    }

    private Object oneOf(Object... values) {
        return values[random.nextInt(values.length)];
    }

    @FunctionalInterface
    private interface ThrowingSupplier {
        Object get() throws Exception;
    }

    /** Jackson, counting the conversions that reach it. */
    private static final class CountingMapper implements McpJsonMapper {

        private final McpJsonMapper jackson;

        int conversions;

        CountingMapper(McpJsonMapper jackson) {
            this.jackson = jackson;
        }

        @Override
        public <T> T convertValue(Object fromValue, Class<T> type) {
            conversions++;
            return jackson.convertValue(fromValue, type);
        }

        @Override
        public <T> T convertValue(Object fromValue, TypeRef<T> type) {
            conversions++;
            return jackson.convertValue(fromValue, type);
        }

        @Override
        public <T> T readValue(String content, Class<T> type) throws java.io.IOException {
            return jackson.readValue(content, type);
        }

        @Override
        public <T> T readValue(byte[] content, Class<T> type) throws java.io.IOException {
            return jackson.readValue(content, type);
        }

        @Override
        public <T> T readValue(String content, TypeRef<T> type) throws java.io.IOException {
            return jackson.readValue(content, type);
        }

        @Override
        public <T> T readValue(byte[] content, TypeRef<T> type) throws java.io.IOException {
            return jackson.readValue(content, type);
        }

        @Override
        public String writeValueAsString(Object value) throws java.io.IOException {
            return jackson.writeValueAsString(value);
        }

        @Override
        public byte[] writeValueAsBytes(Object value) throws java.io.IOException {
            return jackson.writeValueAsBytes(value);
        }
    }
}
