package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.openapi.OpenApiDocument;
import dev.klingmcp.openapi.SchemaDeriver;

/**
 * The tools' {@code outputSchema}s: one JSON file per tool under {@code kling-mcp/tool-schemas/}, plus the shared
 * {@code $defs} of {@code common.json}, plus fal's {@code File} (the video object) derived from the models' OpenAPI
 * documents so the two can't drift apart. Every model's output names the same {@code File}; the tools publish one video
 * shape, so the documents must agree on it, and a document that disagrees stops the server at start-up.
 */
public final class OutputSchemas {

    private static final String DIR = "kling-mcp/tool-schemas/";

    private final ObjectNode sharedDefs;

    public OutputSchemas(FalEndpoints registry) {
        ObjectNode defs =
                (ObjectNode) ToolJson.resource(DIR + "common.json").get("$defs").deepCopy();
        ObjectNode file = videoSchema(registry);
        file.remove("$schema");
        JsonNode nested = file.remove("$defs");
        if (nested != null) {
            nested.properties().forEach(e -> defs.set(e.getKey(), e.getValue()));
        }
        defs.set("File", file);
        this.sharedDefs = defs;
    }

    /** fal's {@code File} as every registered model's document defines it. */
    static ObjectNode videoSchema(FalEndpoints registry) {
        ObjectNode file = null;
        FalEndpoint source = null;
        for (FalEndpoint e : registry.all()) {
            ObjectNode own = SchemaDeriver.schemaFor(OpenApiDocument.of(e), "File", false);
            if (file == null) {
                file = own;
                source = e;
            } else if (!own.equals(file)) {
                throw new IllegalStateException("the video File schema of " + e.document() + " differs from "
                        + source.document() + "'s; the tools' output schemas describe one video shape");
            }
        }
        if (file == null) {
            throw new IllegalStateException("the registry lists no model");
        }
        return file;
    }

    /** The standalone schema of one tool's structuredContent. */
    @SuppressWarnings("ReferenceEquality") // see the loop: the $defs node itself is skipped, by identity
    public ObjectNode schema(String tool) {
        ObjectNode schema = ToolJson.object().put("$schema", SchemaDeriver.DIALECT);
        schema.setAll(ToolJson.resource(DIR + tool + ".json"));
        // Only the shared shapes this tool reaches: every tool's schema is in tools/list, which agents pay for in
        // tokens.
        ObjectNode defs = schema.putObject("$defs");
        java.util.Deque<JsonNode> todo = new java.util.ArrayDeque<>(java.util.List.of(schema));
        while (!todo.isEmpty()) {
            JsonNode node = todo.pop();
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.asText().startsWith("#/$defs/")) {
                String name = ref.asText().substring("#/$defs/".length());
                if (!defs.has(name) && sharedDefs.has(name)) {
                    defs.set(name, sharedDefs.get(name).deepCopy());
                    todo.push(defs.get(name));
                }
            }
            node.forEach(child -> {
                if (child.isContainerNode() && child != defs) {
                    todo.push(child);
                }
            });
        }
        return schema;
    }
}
