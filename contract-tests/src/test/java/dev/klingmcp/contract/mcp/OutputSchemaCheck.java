package dev.klingmcp.contract.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks tool results against the {@code outputSchema} the server itself published in {@code tools/list}, with an
 * independent validator (networknt, JSON Schema 2020-12), so a server whose own check is off or lenient is caught.
 */
final class OutputSchemaCheck {

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    private final Map<String, Tool> tools = new ConcurrentHashMap<>();

    OutputSchemaCheck(List<Tool> listed) {
        listed.forEach(t -> tools.put(t.name(), t));
    }

    /** Every way {@code call}'s structured content breaks its tool's outputSchema; empty when it conforms. */
    List<String> problems(ToolCall call) {
        Tool tool = tools.get(call.tool());
        if (tool == null || tool.outputSchema() == null) {
            return List.of(call.tool() + ": no outputSchema in tools/list");
        }
        if (call.structured().isMissingNode() || call.structured().isNull()) {
            return List.of(call.tool() + ": result has no structuredContent (" + call.text() + ")");
        }
        Schema schema = compiled.computeIfAbsent(
                call.tool(), name -> SCHEMAS.getSchema(ToolCall.JSON.<JsonNode>valueToTree(tool.outputSchema())));
        List<String> problems = new ArrayList<>();
        schema.validate(call.structured())
                .forEach(e ->
                        problems.add(call.tool() + ": " + (e.getInstanceLocation() + " " + e.getMessage()).strip()));
        return problems;
    }

    /** Every way {@code instance} breaks a standalone {@code schema} (e.g. one a CLI subcommand publishes). */
    static List<String> problems(String label, JsonNode schema, JsonNode instance) {
        List<String> problems = new ArrayList<>();
        SCHEMAS.getSchema(schema)
                .validate(instance)
                .forEach(e -> problems.add(label + ": " + (e.getInstanceLocation() + " " + e.getMessage()).strip()));
        return problems;
    }

    /** Problems of every call, one line each with the call it came from. */
    List<String> problems(List<ToolCall> calls) {
        List<String> all = new ArrayList<>();
        for (ToolCall call : calls) {
            problems(call).forEach(p -> all.add(p + "  <- " + abbreviate(call.toString())));
        }
        return all;
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
