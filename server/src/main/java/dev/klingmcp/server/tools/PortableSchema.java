package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The portable rendering of a tool's input schema, the one {@code tools/list} publishes by default: a subset that LLM
 * function-calling dialects (OpenAI, Gemini's OpenAPI 3.0 subset) and agent-framework adapters take as it is. References
 * are inlined; {@code allOf}/{@code anyOf}/{@code oneOf}/{@code if}/{@code then}/{@code else}/{@code not}/
 * {@code propertyNames}, {@code $schema}, {@code $defs}, {@code format}, {@code title} and {@code additionalProperties}
 * (Gemini refuses it; strict-mode clients add it themselves) are left out, string lengths (OpenAI's strict mode refuses
 * them) are said in the description; a nullable field
 * gets its one non-null type (optional means "not in {@code required}"); {@code default} and {@code examples} move into
 * the description. Enums, bounds and {@code required} stay.
 *
 * <p>It only ever describes: every call is still checked against the full strict schema the tool was built with, plus
 * the cross-field rules, so nothing the portable schema cannot say is lost to validation.
 */
final class PortableSchema {

    private static final Set<String> DROPPED = Set.of(
            "$schema",
            "$defs",
            "$id",
            "$comment",
            "$ref",
            "allOf",
            "anyOf",
            "oneOf",
            "if",
            "then",
            "else",
            "not",
            "propertyNames",
            "format",
            "title",
            "default",
            "examples",
            "const",
            "additionalProperties",
            "minLength",
            "maxLength");

    private PortableSchema() {}

    /** The portable form of {@code full} (not changed). */
    static ObjectNode of(ObjectNode full) {
        return convert(full, full.path("$defs"));
    }

    /**
     * The portable form of an {@code outputSchema}: as {@link #of}, except that the root's {@code anyOf} of
     * {@code required} lists (what a success result always has, or {@code error}) stays, since clients validate error
     * results against the same schema. Output schemas are read by MCP clients' validators, not by LLM providers.
     */
    static ObjectNode ofOutput(ObjectNode full) {
        ObjectNode copy = full.deepCopy();
        JsonNode branches = copy.remove("anyOf");
        ObjectNode out = of(copy);
        if (branches != null) {
            out.set("anyOf", branches);
        }
        return out;
    }

    private static ObjectNode convert(JsonNode node, JsonNode defs) {
        ObjectNode schema = resolve(node, defs);
        ObjectNode out = ToolJson.object();
        List<String> notes = new ArrayList<>();
        JsonNode branches = schema.has("anyOf") ? schema.get("anyOf") : schema.get("oneOf");
        if (branches != null && branches.isArray()) {
            List<ObjectNode> real = new ArrayList<>();
            branches.forEach(b -> {
                ObjectNode branch = resolve(b, defs);
                if (!"null".equals(branch.path("type").asText())) {
                    real.add(branch);
                }
            });
            if (!real.isEmpty()) {
                out.setAll(convert(real.get(0), defs));
                // The branch's own description carries what was said of its dropped keywords ("At most 2500
                // characters.", fal's file limits); the field's description below would otherwise replace it.
                String said = out.path("description").asText("").trim();
                if (!said.isEmpty() && schema.has("description")) {
                    notes.add(said.endsWith(".") ? said : said + ".");
                }
                for (int i = 1; i < real.size(); i++) {
                    notes.add("Also accepted: " + shape(real.get(i)) + ".");
                }
            }
        }
        schema.properties().forEach(f -> {
            String key = f.getKey();
            JsonNode value = f.getValue();
            if (DROPPED.contains(key)) {
                return;
            }
            switch (key) {
                case "type" -> out.set("type", singleType(value));
                case "properties" -> {
                    ObjectNode properties = out.putObject("properties");
                    value.properties().forEach(p -> properties.set(p.getKey(), convert(p.getValue(), defs)));
                }
                case "items" -> out.set("items", convert(value, defs));
                default -> out.set(key, value.deepCopy());
            }
        });
        if (schema.has("minLength") && schema.get("minLength").asInt() > 1) {
            notes.add("At least " + schema.get("minLength").asInt() + " characters.");
        }
        if (schema.has("maxLength")) {
            notes.add("At most " + schema.get("maxLength").asInt() + " characters.");
        }
        if (schema.has("default") && !schema.get("default").isNull()) {
            notes.add("Default: " + ToolJson.compact(schema.get("default")) + ".");
        }
        // fal writes "examples": [null] for optional fields; "Example: null." would invite an agent to send a null.
        List<JsonNode> examples = new ArrayList<>();
        schema.path("examples").forEach(x -> {
            if (!x.isNull()) {
                examples.add(x);
            }
        });
        if (!examples.isEmpty() && !examples.get(0).isContainerNode()) {
            notes.add("Example: " + ToolJson.compact(examples.get(0)) + ".");
        } else {
            // Whole-object examples (generate's: one call per model) are all kept, as JSON an agent can copy.
            examples.forEach(x -> notes.add("Example: " + ToolJson.compact(x)));
        }
        if (!notes.isEmpty()) {
            String d = out.path("description").asText("").trim();
            out.put("description", (d.isEmpty() ? "" : d + (d.endsWith(".") ? " " : ". ")) + String.join(" ", notes));
        }
        return out;
    }

    /** The schema a {@code $ref} points to, with the referring schema's own keywords (its description) on top. */
    private static ObjectNode resolve(JsonNode node, JsonNode defs) {
        ObjectNode schema = node instanceof ObjectNode o ? o : ToolJson.object();
        JsonNode ref = schema.get("$ref");
        if (ref == null || !ref.asText().startsWith("#/$defs/")) {
            return schema;
        }
        JsonNode target = defs.path(ref.asText().substring("#/$defs/".length()));
        ObjectNode merged = resolve(target, defs).deepCopy();
        schema.properties().forEach(f -> {
            if (!f.getKey().equals("$ref")) {
                merged.set(f.getKey(), f.getValue());
            }
        });
        return merged;
    }

    private static JsonNode singleType(JsonNode type) {
        if (!type.isArray()) {
            return type;
        }
        for (JsonNode t : type) {
            if (!"null".equals(t.asText())) {
                return t;
            }
        }
        return type.get(0);
    }

    private static String shape(ObjectNode branch) {
        String type = singleType(branch.path("type")).asText("value");
        if (type.equals("array") && branch.has("items")) {
            return "an array of " + branch.path("items").path("type").asText("values");
        }
        return "a " + type;
    }
}
