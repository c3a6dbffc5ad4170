package dev.klingmcp.server.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
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
}
