package dev.klingmcp.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Turns a component of an OpenAPI 3.0 document into a standalone JSON Schema 2020-12 document. This is the only way
 * the MCP tool schemas and the mock's request validation get their schemas: nobody types a schema twice.
 *
 * <p>What changes on the way:
 * <ul>
 * <li>{@code $ref: #/components/schemas/X} becomes {@code #/$defs/X}; every component reached is copied into
 * {@code $defs}.</li>
 * <li>OpenAPI 3.0 {@code nullable: true} becomes a {@code "null"} type (or an {@code anyOf} with null). fal already
 * writes optional fields as {@code anyOf [..., {"type":"null"}]}, which is valid 2020-12 and kept.</li>
 * <li>{@code format: binary} (fal's "this may also be an uploaded file" marker) is dropped: on the JSON wire a file is
 * a URL string; {@code anyOf} branches that become identical collapse into one.</li>
 * <li>Vendor keys ({@code x-fal}, {@code x-fal-order-properties}, {@code ui}) are dropped; fal's human
 * {@code limit_description} is folded into {@code description} so agents still see file limits.</li>
 * <li>With {@code strict}, every object that lists {@code properties} and says nothing about extra keys gets
 * {@code additionalProperties: false}: an agent's misspelt or foreign field (e.g. {@code negative_prompt}) is then
 * an error it can fix instead of a silently ignored paid parameter.</li>
 * </ul>
 */
public final class SchemaDeriver {

    /** The dialect of every derived document. */
    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private static final Set<String> DROPPED_KEYS = Set.of(
            "ui",
            "_fal_ui_field",
            "discriminator",
            "xml",
            "externalDocs",
            "x-fal",
            "x-fal-order-properties",
            "x-fal-file-input");

    private final OpenApiDocument document;

    private final boolean strict;

    private SchemaDeriver(OpenApiDocument document, boolean strict) {
        this.document = document;
        this.strict = strict;
    }

    /** The derived input schema of a registry endpoint. */
    public static ObjectNode inputSchema(FalEndpoint endpoint, boolean strict) {
        return schemaFor(OpenApiDocument.of(endpoint), endpoint.inputComponent(), strict);
    }

    /** The derived output schema of a registry endpoint. */
    public static ObjectNode outputSchema(FalEndpoint endpoint) {
        return schemaFor(OpenApiDocument.of(endpoint), endpoint.outputComponent(), false);
    }

    /**
     * Derives a standalone 2020-12 schema for one component.
     *
     * @param document  the OpenAPI document holding it
     * @param component name under {@code components.schemas}
     * @param strict    close objects with {@code additionalProperties: false}
     */
    public static ObjectNode schemaFor(OpenApiDocument document, String component, boolean strict) {
        return new SchemaDeriver(document, strict).derive(component);
    }

    /**
     * Derives a standalone schema for an inline schema of the document (e.g. a response body that is not a component),
     * resolving the components it references.
     */
    public static ObjectNode schemaForNode(OpenApiDocument document, JsonNode schema, boolean strict) {
        SchemaDeriver deriver = new SchemaDeriver(document, strict);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("$schema", DIALECT);
        Set<String> reached = new LinkedHashSet<>();
        JsonNode converted = deriver.convert(schema, reached);
        if (converted.isObject()) {
            out.setAll((ObjectNode) converted);
        }
        deriver.addDefs(out, reached);
        return out;
    }

    private ObjectNode derive(String component) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("$schema", DIALECT);
        Set<String> reached = new LinkedHashSet<>();
        out.setAll((ObjectNode) convert(document.component(component), reached));
        reached.remove(component);
        addDefs(out, reached);
        return out;
    }

    private void addDefs(ObjectNode out, Set<String> reached) {
        if (reached.isEmpty()) {
            return;
        }
        ObjectNode defs = out.putObject("$defs");
        Deque<String> todo = new ArrayDeque<>(reached);
        Set<String> done = new LinkedHashSet<>();
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (!done.add(name)) {
                continue;
            }
            Set<String> more = new LinkedHashSet<>();
            defs.set(name, convert(document.component(name), more));
            todo.addAll(more);
        }
    }

    private JsonNode convert(JsonNode node, Set<String> reached) {
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> out.add(convert(item, reached)));
            return out;
        }
        if (!node.isObject()) {
            return node.deepCopy();
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (DROPPED_KEYS.contains(key)
                    || key.equals("nullable")
                    || key.equals("limit_description")
                    || key.equals("example")) {
                continue;
            }
            if (key.equals("format") && "binary".equals(value.asText())) {
                continue;
            }
            switch (key) {
                case "$ref" -> out.put("$ref", rewriteRef(value.asText(), reached));
                    // Literal maps and value lists: copy as they are, never treat their keys as keywords.
                case "properties", "patternProperties", "$defs", "definitions", "dependentSchemas" -> out.set(
                        key, convertMap(value, reached));
                case "enum", "const", "default", "examples", "required" -> out.set(key, value.deepCopy());
                default -> out.set(key, convert(value, reached));
            }
        }
        if (node.has("example") && !node.has("examples")) {
            out.putArray("examples").add(node.get("example").deepCopy());
        }
        foldLimitDescription(node, out);
        collapseIdenticalBranches(out);
        if (node.path("nullable").asBoolean(false)) {
            out = makeNullable(out);
        }
        if (strict && out.has("properties") && !out.has("additionalProperties")) {
            out.put("additionalProperties", false);
        }
        return out;
    }

    private ObjectNode convertMap(JsonNode map, Set<String> reached) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        map.properties().forEach(e -> out.set(e.getKey(), convert(e.getValue(), reached)));
        return out;
    }

    private String rewriteRef(String ref, Set<String> reached) {
        String component = OpenApiDocument.componentOf(ref);
        if (component == null) {
            throw new IllegalArgumentException(
                    "only local component $refs are supported, got " + ref + " in " + document.name());
        }
        document.component(component); // fail early, naming the document, if it does not exist
        reached.add(component);
        return "#/$defs/" + component;
    }

    private static void foldLimitDescription(JsonNode source, ObjectNode out) {
        String limits = source.path("limit_description").asText("");
        if (limits.isEmpty()) {
            return;
        }
        String description = out.path("description").asText("");
        out.put("description", description.isEmpty() ? "Limits: " + limits : description + " Limits: " + limits);
    }

    /** {@code anyOf [{"type":"string"}, {"type":"string","format":"binary"}]} becomes one {@code string} once binary is gone. */
    private static void collapseIdenticalBranches(ObjectNode out) {
        JsonNode anyOf = out.get("anyOf");
        if (anyOf == null || !anyOf.isArray() || anyOf.size() < 2) {
            return;
        }
        JsonNode first = anyOf.get(0);
        for (JsonNode branch : anyOf) {
            if (!branch.equals(first)) {
                return;
            }
        }
        out.remove("anyOf");
        first.properties().forEach(e -> {
            if (!out.has(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        });
    }

    private static ObjectNode makeNullable(ObjectNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && type.isTextual() && !schema.has("$ref")) {
            ArrayNode types = schema.putArray("type");
            types.add(type.asText()).add("null");
            JsonNode values = schema.get("enum");
            if (values != null && values.isArray()) {
                ((ArrayNode) values).addNull();
            }
            return schema;
        }
        // A $ref or a composition: keep the annotations outside, the alternatives inside.
        ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
        ObjectNode inner = schema.deepCopy();
        for (String annotation : new String[] {"title", "description", "default", "examples"}) {
            if (inner.has(annotation)) {
                wrapper.set(annotation, inner.remove(annotation));
            }
        }
        wrapper.putArray("anyOf")
                .add(inner)
                .add(JsonNodeFactory.instance.objectNode().put("type", "null"));
        return wrapper;
    }
}
