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

    /** Job ids ({@code local-} + UUID, fal's UUIDs) and model names are far shorter; 200 leaves room for fal's. */
    static final int MAX_NAME_LENGTH = 200;

    /** Longer URLs are refused by common CDNs and proxies, and no URL fal hands out comes close. */
    static final int MAX_URL_LENGTH = 2048;

    /** Linux's PATH_MAX. */
    static final int MAX_PATH_LENGTH = 4096;

    static ObjectNode jobId() {
        return ToolJson.object()
                .put("type", "string")
                .put("minLength", 1)
                .put("maxLength", MAX_NAME_LENGTH)
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
                .put("maxLength", MAX_NAME_LENGTH)
                .put("description", description)
                .set("enum", ToolJson.MAPPER.valueToTree(ctx.registry().names()));
    }

    static ObjectNode bool(String description) {
        return ToolJson.object().put("type", "boolean").put("default", false).put("description", description);
    }
}
