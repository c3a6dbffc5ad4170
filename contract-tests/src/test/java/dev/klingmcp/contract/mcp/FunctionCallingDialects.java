package dev.klingmcp.contract.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The JSON Schema subsets LLM providers accept for a function's parameters, written down as rules, so a published
 * {@code inputSchema} can be checked the way each provider's API would judge it when a client passes it on unchanged.
 * Each check returns one line per problem ({@code tool: /json/pointer: what is wrong}); empty = the provider takes it.
 *
 * <p>Where the rules come from:
 * <ul>
 * <li><b>OpenAI function calling, non-strict</b> (platform.openai.com, "Function calling"): a function's
 * {@code name} is a-z, A-Z, 0-9, underscores and dashes, at most 64 characters; {@code parameters} is a JSON Schema
 * object. The API refuses a schema whose root is not {@code "type": "object"} or that has {@code oneOf}, {@code anyOf},
 * {@code allOf}, {@code enum} or {@code not} at the top level ("Invalid schema for function … must be a JSON Schema of
 * 'type: "object"'") and an array schema without {@code items} ("array schema missing items").
 * <li><b>OpenAI strict mode</b> (Structured Outputs guide, "Supported schemas", which {@code strict: true} function
 * calling shares): the root is an object and not {@code anyOf}; every object sets {@code additionalProperties: false}
 * and lists every property in {@code required} (an optional field is emulated by a union with {@code null}); only
 * string, number, boolean, integer, object, array, enum, {@code anyOf}, {@code $ref}/{@code $defs} are supported, with
 * {@code pattern}, {@code format} (date-time, time, date, duration, email, hostname, ipv4, ipv6, uuid),
 * {@code minimum}/{@code maximum}/{@code exclusiveMinimum}/{@code exclusiveMaximum}/{@code multipleOf},
 * {@code minItems}/{@code maxItems}; composition ({@code allOf}, {@code not}, {@code if}/{@code then}/{@code else},
 * {@code dependentRequired}, {@code dependentSchemas}) is not. Limits: 5000 object properties in total, 10 levels of
 * nesting, 1000 enum values, 120 000 characters of property names, definition names, enum and const values.
 * Clients that enable strict mode for MCP tools (OpenAI's own SDK helpers, the Agents SDK's
 * {@code ensure_strict_json_schema}) add {@code additionalProperties: false} and move optional properties into
 * {@code required} as {@code null} unions themselves; {@link #openAiStrictAfterConversion} does the same conversion
 * and then applies every rule, so what it reports is what no client can fix.
 * <li><b>Gemini {@code FunctionDeclaration.parameters}</b> (ai.google.dev/api, "Schema": "a select subset of an
 * OpenAPI 3.0 schema object"): the Schema object has only the fields type, format, title, description, nullable, enum,
 * maxItems, minItems, properties, required, minProperties, maxProperties, minLength, maxLength, pattern, example,
 * anyOf, propertyOrdering, default, items, minimum, maximum; the API answers any other key ({@code $schema},
 * {@code $defs}, {@code $ref}, {@code allOf}, {@code examples}, {@code additionalProperties}, {@code const}…) with
 * 400 "Invalid JSON payload received. Unknown name …: Cannot find field"; {@code type} is one value (a list gives
 * "Proto field is not repeating, cannot start list"); {@code enum} is a list of strings; an array needs {@code items};
 * a nested object needs non-empty {@code properties}. A function name starts with a letter or underscore and has at
 * most 64 of a-z, A-Z, 0-9, underscores, dots, colons and dashes.
 * </ul>
 */
final class FunctionCallingDialects {

    private static final Pattern OPENAI_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    private static final Pattern GEMINI_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}");

    private static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "array", "object");

    private static final Set<String> OPENAI_STRICT_KEYWORDS = Set.of(
            "type",
            "description",
            "title",
            "properties",
            "required",
            "additionalProperties",
            "items",
            "enum",
            "const",
            "anyOf",
            "$ref",
            "$defs",
            "definitions",
            "pattern",
            "format",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "minItems",
            "maxItems");

    private static final Set<String> OPENAI_STRICT_FORMATS =
            Set.of("date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid");

    private static final Set<String> GEMINI_KEYWORDS = Set.of(
            "type",
            "format",
            "title",
            "description",
            "nullable",
            "enum",
            "maxItems",
            "minItems",
            "properties",
            "required",
            "minProperties",
            "maxProperties",
            "minLength",
            "maxLength",
            "pattern",
            "example",
            "anyOf",
            "propertyOrdering",
            "default",
            "items",
            "minimum",
            "maximum");

    /** Keywords naming sub-schemas in a map ({@code properties}) or a list ({@code anyOf}), or one ({@code items}). */
    private static final Set<String> SCHEMA_MAPS = Set.of("properties", "$defs", "definitions", "patternProperties");

    private static final Set<String> SCHEMA_LISTS = Set.of("anyOf", "oneOf", "allOf", "prefixItems");

    private static final Set<String> SCHEMA_SINGLES =
            Set.of("items", "additionalProperties", "not", "if", "then", "else", "propertyNames", "contains");

    private FunctionCallingDialects() {}

    /** OpenAI function calling with {@code strict: false} (the default of most agent frameworks). */
    static List<String> openAiNonStrict(String tool, JsonNode schema) {
        List<String> problems = new ArrayList<>();
        if (!OPENAI_NAME.matcher(tool).matches()) {
            problems.add(tool + ": the function name is not [a-zA-Z0-9_-]{1,64}");
        }
        if (!"object".equals(schema.path("type").asText(null))) {
            problems.add(tool + ": the root is not \"type\": \"object\"");
        }
        for (String keyword : List.of("oneOf", "anyOf", "allOf", "enum", "not")) {
            if (schema.has(keyword)) {
                problems.add(tool + ": '" + keyword + "' at the top level");
            }
        }
        walk(schema, "", (path, node) -> {
            if (isType(node, "array") && !node.has("items")) {
                problems.add(tool + ": " + path + ": array schema missing items");
            }
            if (node.has("$ref") && !node.path("$ref").asText().startsWith("#")) {
                problems.add(tool + ": " + path + ": $ref outside the schema: "
                        + node.path("$ref").asText());
            }
        });
        return problems;
    }

    /**
     * OpenAI strict mode, after the conversion a strict-mode client applies to an MCP tool's schema (every object
     * closed, optional properties required but nullable): the problems left are the ones no client can fix.
     */
    static List<String> openAiStrictAfterConversion(String tool, JsonNode schema) {
        JsonNode converted = toStrict(schema.deepCopy());
        List<String> problems = new ArrayList<>(openAiNonStrict(tool, converted));
        int[] totals = new int[3]; // properties, enum values, characters of names and values
        walk(converted, "", (path, node) -> {
            node.fieldNames().forEachRemaining(keyword -> {
                if (!OPENAI_STRICT_KEYWORDS.contains(keyword)) {
                    problems.add(tool + ": " + path + ": '" + keyword + "' is not supported in strict mode");
                }
            });
            if (node.has("format")
                    && !OPENAI_STRICT_FORMATS.contains(node.path("format").asText())) {
                problems.add(tool + ": " + path + ": format '"
                        + node.path("format").asText() + "' is not one strict mode supports");
            }
            if (isType(node, "object") || node.has("properties")) {
                if (!node.path("additionalProperties").isBoolean()
                        || node.path("additionalProperties").asBoolean()) {
                    problems.add(tool + ": " + path + ": additionalProperties is not false");
                }
                List<String> required = new ArrayList<>();
                node.path("required").forEach(r -> required.add(r.asText()));
                node.path("properties").fieldNames().forEachRemaining(p -> {
                    totals[0]++;
                    totals[2] += p.length();
                    if (!required.contains(p)) {
                        problems.add(tool + ": " + path + ": property '" + p + "' is not in required");
                    }
                });
            }
            node.path("enum").forEach(v -> {
                totals[1]++;
                totals[2] += v.asText().length();
            });
            if (depth(path) > 10) {
                problems.add(tool + ": " + path + ": more than 10 levels of nesting");
            }
        });
        if (converted.path("anyOf").isArray()) {
            problems.add(tool + ": the root is anyOf");
        }
        if (totals[0] > 5000 || totals[1] > 1000 || totals[2] > 120_000) {
            problems.add(tool + ": over strict mode's size limits (properties " + totals[0] + ", enum values "
                    + totals[1] + ", characters " + totals[2] + ")");
        }
        return problems;
    }

    /**
     * The portable subset the server publishes by default, which the rules above all take: properties inlined (no
     * {@code $ref}/{@code $defs}), no composition or conditionals ({@code allOf}, {@code anyOf}, {@code oneOf},
     * {@code if}/{@code then}/{@code else}, {@code not}, {@code propertyNames}), no {@code $schema}, exactly one
     * {@code type} per schema (optional = not in {@code required}, never a null union), no {@code format},
     * {@code default} or {@code examples} keywords (said in descriptions instead), {@code required} naming only
     * properties that exist.
     */
    static List<String> portable(String tool, JsonNode schema) {
        Set<String> banned = Set.of(
                "$ref",
                "$defs",
                "definitions",
                "$schema",
                "allOf",
                "anyOf",
                "oneOf",
                "if",
                "then",
                "else",
                "not",
                "propertyNames",
                "format",
                "default",
                "examples");
        List<String> problems = new ArrayList<>();
        walk(schema, "", (path, node) -> {
            node.fieldNames().forEachRemaining(keyword -> {
                if (banned.contains(keyword)) {
                    problems.add(tool + ": " + path + ": '" + keyword + "' is not portable");
                }
            });
            JsonNode type = node.get("type");
            if (type == null || !type.isTextual() || !TYPES.contains(type.asText())) {
                problems.add(tool + ": " + path + ": not exactly one type: " + type);
            }
            node.path("required").forEach(r -> {
                if (!node.path("properties").has(r.asText())) {
                    problems.add(tool + ": " + path + ": required names '" + r.asText() + "', not a property");
                }
            });
        });
        return problems;
    }

    /** Gemini's {@code FunctionDeclaration.parameters}, taking the schema as it is. */
    static List<String> geminiParameters(String tool, JsonNode schema) {
        List<String> problems = new ArrayList<>();
        if (!GEMINI_NAME.matcher(tool).matches()) {
            problems.add(tool + ": the function name does not fit Gemini's rule");
        }
        walk(schema, "", (path, node) -> {
            node.fieldNames().forEachRemaining(keyword -> {
                if (!GEMINI_KEYWORDS.contains(keyword)) {
                    problems.add(tool + ": " + path + ": unknown name '" + keyword + "' (not a field of Schema)");
                }
            });
            JsonNode type = node.get("type");
            if (type != null
                    && (!type.isTextual() || !TYPES.contains(type.asText().toLowerCase(java.util.Locale.ROOT)))) {
                problems.add(tool + ": " + path + ": type " + type + " is not one of " + TYPES);
            }
            node.path("enum").forEach(v -> {
                if (!v.isTextual()) {
                    problems.add(tool + ": " + path + ": enum value " + v + " is not a string");
                }
            });
            if (isType(node, "array") && !node.has("items")) {
                problems.add(tool + ": " + path + ": array without items");
            }
            if (!path.isEmpty()
                    && isType(node, "object")
                    && node.path("properties").isEmpty()) {
                problems.add(tool + ": " + path + ": object without properties");
            }
        });
        return problems;
    }

    /**
     * The conversion strict-mode clients apply: every object gets {@code additionalProperties: false}, and each
     * property missing from {@code required} is added to it with its schema widened to {@code anyOf [schema, null]}.
     */
    static JsonNode toStrict(JsonNode schema) {
        walk(schema, "", (path, node) -> {
            if (!(node instanceof ObjectNode object) || !(isType(node, "object") || node.has("properties"))) {
                return;
            }
            if (!object.has("additionalProperties")) {
                object.put("additionalProperties", false);
            }
            ArrayNode required =
                    object.has("required") ? (ArrayNode) object.get("required") : object.putArray("required");
            List<String> listed = new ArrayList<>();
            required.forEach(r -> listed.add(r.asText()));
            ObjectNode properties = (ObjectNode) object.path("properties");
            if (properties.isMissingNode()) {
                return;
            }
            for (Map.Entry<String, JsonNode> property : List.copyOf(properties.properties())) {
                if (!listed.contains(property.getKey())) {
                    required.add(property.getKey());
                    ObjectNode nullable = ToolCall.JSON.createObjectNode();
                    nullable.putArray("anyOf")
                            .add(property.getValue())
                            .add(ToolCall.JSON.createObjectNode().put("type", "null"));
                    properties.set(property.getKey(), nullable);
                }
            }
        });
        return schema;
    }

    private static boolean isType(JsonNode node, String type) {
        return type.equals(node.path("type").asText(null));
    }

    /** Levels of object nesting: how many {@code properties} maps lie between the root and the node. */
    private static int depth(String path) {
        return path.split("/properties/", -1).length;
    }

    /** Visits every schema node (pre-order) with its JSON Pointer; sub-schemas are found by keyword. */
    static void walk(JsonNode node, String path, SchemaVisitor visitor) {
        if (!node.isObject()) {
            return;
        }
        visitor.visit(path, node);
        node.properties().forEach(entry -> {
            String keyword = entry.getKey();
            JsonNode value = entry.getValue();
            String at = path + "/" + keyword;
            if (SCHEMA_MAPS.contains(keyword) && value.isObject()) {
                value.properties().forEach(e -> walk(e.getValue(), at + "/" + e.getKey(), visitor));
            } else if (SCHEMA_LISTS.contains(keyword) && value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    walk(value.get(i), at + "/" + i, visitor);
                }
            } else if (SCHEMA_SINGLES.contains(keyword)) {
                walk(value, at, visitor);
            }
        });
    }

    @FunctionalInterface
    interface SchemaVisitor {
        void visit(String path, JsonNode schema);
    }
}
