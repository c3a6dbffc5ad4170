package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.SchemaDeriver;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.Map;

/** Building blocks for the small input schemas of the tools other than generate (those have no fal fields). */
final class ToolSchemas {

    private ToolSchemas() {}

    /** A tool declaration; {@code hints} = readOnly, destructive, idempotent, openWorld. */
    static Tool tool(
            String name,
            String title,
            String description,
            Map<String, Object> input,
            Map<String, Object> output,
            boolean... hints) {
        return Tool.builder(name, input)
                .title(title)
                .description(description)
                .outputSchema(output)
                .annotations(ToolAnnotations.builder()
                        .title(title)
                        .readOnlyHint(hints[0])
                        .destructiveHint(hints[1])
                        .idempotentHint(hints[2])
                        .openWorldHint(hints[3])
                        .build())
                .build();
    }

    /** A closed object schema with these properties and required names, as the SDK wants it. */
    static Map<String, Object> input(ObjectNode properties, String... required) {
        ObjectNode schema = object();
        schema.set("properties", properties);
        if (required.length > 0) {
            ArrayNode names = schema.putArray("required");
            for (String r : required) {
                names.add(r);
            }
        }
        return ToolJson.toMap(schema);
    }

    static ObjectNode object() {
        return ToolJson.object()
                .put("$schema", SchemaDeriver.DIALECT)
                .put("type", "object")
                .put("additionalProperties", false);
    }

    static ObjectNode jobId() {
        return ToolJson.object()
                .put("type", "string")
                .put("minLength", 1)
                .put("description", "The job_id generate returned (fal's request_id); list_jobs shows past ones.");
    }

    static ObjectNode waitSeconds() {
        return ToolJson.object()
                .put("type", "integer")
                .put("minimum", 0)
                .put("maximum", GenerateSchema.MAX_WAIT_SECONDS)
                .put("default", 0)
                .put(
                        "description",
                        "Wait up to this many seconds for the job to finish before answering (<= 50: clients cut calls at 60 s).");
    }

    static ObjectNode model(ToolContext ctx, String description) {
        return ToolJson.object()
                .put("type", "string")
                .put("description", description)
                .set("enum", ToolJson.MAPPER.valueToTree(ctx.registry().names()));
    }

    static ObjectNode bool(String description) {
        return ToolJson.object().put("type", "boolean").put("default", false).put("description", description);
    }
}
