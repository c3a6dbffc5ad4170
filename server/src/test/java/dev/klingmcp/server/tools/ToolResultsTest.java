package dev.klingmcp.server.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ToolResultsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String KEY = "key-id-1234:secret-5678";

    private final ToolResults results = new ToolResults(s -> s.replace(KEY, "[redacted]"));

    private static ObjectNode raw() throws Exception {
        return (ObjectNode) MAPPER.readTree(
                """
                {"job":{"job_id":"j1","queue_position":null,"logs":[{"message":"uses %s","level":null}],
                 "estimate":{"usd":1.4,"seconds":5,"audio":false},"sha256":null},
                 "%s":"a field named by the key",
                 "error":{"message":"m","detail":{"why":null,"list":[null,1]}},
                 "input":{"prompt":null},"n":12345678901234,"big":1.5e300,"list":[[null],{"x":null}],
                 "finished":true}
                """
                        .formatted(KEY, KEY));
    }

    @Test
    void structuredContentDropsNullsOutsideVerbatimFieldsAndScrubsTheKey() throws Exception {
        ObjectNode raw = raw();
        String before = raw.toString();
        CallToolResult r = results.ok(raw, "summary with " + KEY);

        JsonNode structured = (JsonNode) r.structuredContent();
        assertThat(structured.toString())
                .isEqualTo("{\"job\":{\"job_id\":\"j1\",\"logs\":[{\"message\":\"uses [redacted]\"}],"
                        + "\"estimate\":{\"usd\":1.4,\"seconds\":5,\"audio\":false}},"
                        + "\"[redacted]\":\"a field named by the key\","
                        + "\"error\":{\"message\":\"m\",\"detail\":{\"why\":null,\"list\":[null,1]}},"
                        + "\"input\":{\"prompt\":null},\"n\":12345678901234,\"big\":1.5E300,\"list\":[[null],{}],"
                        + "\"finished\":true}");
        assertThat(raw.toString()).as("the caller's tree is not changed").isEqualTo(before);
        assertThat(MAPPER.writeValueAsString(r)).doesNotContain(KEY);
    }

    @Test
    void aStructuredTreeIsWrittenAsTheSameJsonAsTheMapItReplaced() throws Exception {
        CallToolResult r = results.ok(raw(), "summary");
        Object asMap = MAPPER.convertValue(r.structuredContent(), Object.class);
        CallToolResult mapped = new CallToolResult(r.content(), r.isError(), asMap, r.meta());
        assertThat(MAPPER.writeValueAsString(r)).isEqualTo(MAPPER.writeValueAsString(mapped));
    }

    @Test
    void aResultWithNothingToDropOrScrubIsSentAsItIsAndAChangeCopiesOnlyTheObjectsAboveIt() throws Exception {
        ObjectNode clean = (ObjectNode) MAPPER.readTree(
                "{\"job\":{\"job_id\":\"j1\",\"logs\":[{\"message\":\"m\"}],\"estimate\":{\"usd\":1.4}},"
                        + "\"finished\":false,\"list\":[1,[2]]}");
        assertThat(results.ok(clean, "s").structuredContent()).isSameAs(clean);

        ObjectNode raw = clean.deepCopy();
        ((ObjectNode) raw.get("job")).putNull("sha256");
        ObjectNode sent = (ObjectNode) results.ok(raw, "s").structuredContent();
        assertThat(sent.toString()).isEqualTo(clean.toString());
        assertThat(sent).isNotSameAs(raw);
        assertThat(sent.get("job")).isNotSameAs(raw.get("job"));
        assertThat(sent.get("job").get("logs")).isSameAs(raw.get("job").get("logs"));
        assertThat(sent.get("job").get("estimate")).isSameAs(raw.get("job").get("estimate"));
        assertThat(sent.get("list")).isSameAs(raw.get("list"));
        assertThat(raw.get("job").has("sha256"))
                .as("the caller's tree is not changed")
                .isTrue();
    }

    /** The walk that copies only what changes sends what a copy of the whole tree sent, for any tree. */
    @Test
    void structuredContentIsTheWholeCopyOfOldForRandomTrees() {
        SplittableRandom random = new SplittableRandom(11);
        int same = 0;
        for (int n = 0; n < 5_000; n++) {
            ObjectNode raw = (ObjectNode) randomNode(random, 0, true);
            String before = raw.toString();
            Object sent = results.ok(raw, "s").structuredContent();
            assertThat(sent.toString())
                    .as(before)
                    .isEqualTo(wholeCopy(raw, true).toString());
            assertThat(raw.toString()).isEqualTo(before);
            if (sent == raw) {
                same++;
            }
        }
        assertThat(same).as("some trees had nothing to change").isBetween(50, 4_950);
    }

    private static final Set<String> VERBATIM = Set.of("detail", "input", "input_schema");

    /** The former walk: a new node for every object and array, nulls dropped outside verbatim fields, texts scrubbed. */
    private static JsonNode wholeCopy(JsonNode v, boolean dropNulls) {
        if (v instanceof ObjectNode o) {
            ObjectNode out = MAPPER.createObjectNode();
            for (Map.Entry<String, JsonNode> f : o.properties()) {
                if (!(dropNulls && f.getValue().isNull())) {
                    out.set(
                            f.getKey().replace(KEY, "[redacted]"),
                            wholeCopy(f.getValue(), dropNulls && !VERBATIM.contains(f.getKey())));
                }
            }
            return out;
        }
        if (v instanceof ArrayNode a) {
            ArrayNode out = MAPPER.createArrayNode();
            a.forEach(e -> out.add(wholeCopy(e, dropNulls)));
            return out;
        }
        return v.isTextual() ? TextNode.valueOf(v.textValue().replace(KEY, "[redacted]")) : v;
    }

    private static final String[] NAMES = {"a", "b", "detail", "input", "input_schema", KEY, "x" + KEY, "c"};

    private static JsonNode randomNode(SplittableRandom r, int depth, boolean object) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        int kind = object ? 0 : r.nextInt(depth > 3 ? 2 : 0, 8);
        switch (kind) {
            case 0 -> {
                ObjectNode o = f.objectNode();
                for (int k = r.nextInt(5); k > 0; k--) {
                    o.set(NAMES[r.nextInt(r.nextInt(10) == 0 ? NAMES.length : 5)], randomNode(r, depth + 1, false));
                }
                return o;
            }
            case 1 -> {
                ArrayNode a = f.arrayNode();
                for (int k = r.nextInt(4); k > 0; k--) {
                    a.add(randomNode(r, depth + 1, false));
                }
                return a;
            }
            case 2, 3 -> {
                return f.nullNode();
            }
            case 4 -> {
                return f.textNode(r.nextInt(12) == 0 ? "has " + KEY + " in it" : "text " + r.nextInt(9));
            }
            case 5 -> {
                return f.numberNode(r.nextInt());
            }
            case 6 -> {
                return f.booleanNode(r.nextBoolean());
            }
            default -> {
                return f.numberNode(r.nextDouble());
            }
        }
    }
}
