package dev.klingmcp.server.modern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModernJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aToolResultWithAStructuredTreeIsTheSameJsonAsTheRecordConverted() throws Exception {
        ObjectNode structured = (ObjectNode)
                MAPPER.readTree("{\"job\":{\"id\":\"j\",\"n\":1.5,\"detail\":null,\"list\":[1,\"a\",{}]},\"ok\":true}");
        for (Boolean isError : new Boolean[] {false, true, null}) {
            for (Map<String, Object> meta : List.<Map<String, Object>>of(Map.of(), Map.of("k", "v"))) {
                CallToolResult r = new CallToolResult(
                        List.of(
                                TextContent.builder("text").build(),
                                TextContent.builder("two").build()),
                        isError,
                        structured,
                        meta.isEmpty() ? null : meta);
                CallToolResult asMap = new CallToolResult(
                        r.content(), r.isError(), MAPPER.convertValue(structured, Map.class), r.meta());
                assertThat(ModernJson.toolResult(r).toString())
                        .isEqualTo(ModernJson.tree(asMap).toString())
                        .isEqualTo(ModernJson.tree(r).toString());
            }
        }
        CallToolResult none =
                new CallToolResult(List.of(TextContent.builder("t").build()), false, null, null);
        assertThat(ModernJson.toolResult(none)).isEqualTo(ModernJson.tree(none));
    }

    @Test
    void plainIsWhatJacksonReadsIntoAMap() throws Exception {
        ObjectNode node = (ObjectNode)
                MAPPER.readTree(
                        """
                {"job_id":"j","wait_seconds":0,"n":1.5,"big":12345678901234,"huge":123456789012345678901234567890,
                 "neg":-2,"t":true,"f":false,"nil":null,"list":[1,[],{},null,"x",2.5e10],
                 "o":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","caps":{"elicitation":{"form":{}}}}}
                """);
        assertThat(ModernJson.plain(node)).isEqualTo(MAPPER.convertValue(node, Map.class));
        assertThat(ModernJson.plain(node).get("huge"))
                .isEqualTo(MAPPER.convertValue(node, Map.class).get("huge"));
        assertThat(ModernJson.plain(MAPPER.createObjectNode())).isEmpty();
    }
}
