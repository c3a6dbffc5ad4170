package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.SchemaDeriver;

/** Building blocks of the tools' own input schemas (the model fields of generate come from the derived schemas). */
final class ToolSchemas {

    public static final int MAX_WAIT_SECONDS = 50;

    private ToolSchemas() {}

    /** A closed object schema with these properties and required names. */
    static ObjectNode input(ObjectNode properties, String... required) {
        ObjectNode schema = ToolJson.object()
                .put("$schema", SchemaDeriver.DIALECT)
                .put("type", "object")
                .put("additionalProperties", false);
        schema.set("properties", properties);
        if (required.length > 0) {
            ArrayNode names = schema.putArray("required");
            for (String r : required) {
                names.add(r);
            }
        }
        return schema;
    }

    static ObjectNode jobId() {
        return ToolJson.object()
                .put("type", "string")
                .put("minLength", 1)
                .put("description", "The job_id generate returned (fal's request_id); list_jobs shows past ones.");
    }

    static ObjectNode waitSeconds(String description) {
        return ToolJson.object()
                .put("type", "integer")
                .put("minimum", 0)
                .put("maximum", MAX_WAIT_SECONDS)
                .put("default", 0)
                .put("description", description);
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
