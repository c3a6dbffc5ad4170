package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.openapi.ModelExamples;
import dev.klingmcp.openapi.SchemaDeriver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code inputSchema} of the {@code generate} tool, composed from the schemas {@link SchemaDeriver} derives from
 * the OpenAPI documents; no field is typed here. Shape:
 * <ul>
 * <li>{@code properties}: {@code model}, the tool's own options, and the union of every model's input fields at top
 * level, exactly as fal names them (each field's description says which models take it when not all do);</li>
 * <li>{@code allOf}: per model, {@code if model is X then $defs/X} where {@code $defs/X} holds that model's exact
 * field schemas, its {@code required} list and a {@code propertyNames} allow-list, so a generic JSON Schema validator
 * gives the same verdict as ours (which validates against the model's own derived schema).</li>
 * </ul>
 */
public final class GenerateSchema {

    /** Arguments of {@code generate} that are not model fields. */
    public static final List<String> OPTIONS =
            List.of("model", "dry_run", "wait_seconds", "webhook_url", "idempotency_key", "confirm_cost_usd");

    /**
     * Derived once per model: the documents do not change while the server runs, and deriving means parsing ~50 KB. Keyed
     * by id and document, not by the record itself: a record's first hashCode() costs ~20 ms of method-handle set-up on a
     * cold JVM, at start-up.
     */
    private static final Map<String, ObjectNode> DERIVED = new ConcurrentHashMap<>();

    private GenerateSchema() {}

    /** The model's strict input schema as {@link SchemaDeriver} derives it; a copy the caller may change. */
    static ObjectNode derivedInput(FalEndpoint e) {
        return derived(e).deepCopy();
    }

    /** The cached derived schema itself: read it, never change it. */
    private static ObjectNode derived(FalEndpoint e) {
        return DERIVED.computeIfAbsent(e.id() + " " + e.document(), k -> {
            ObjectNode schema = SchemaDeriver.inputSchema(e, true);
            // The examples an agent may copy are the ones generate accepts: fal's, fixed where fal's own is refused.
            schema.remove("examples");
            List<ObjectNode> examples = ModelExamples.of(e);
            if (!examples.isEmpty()) {
                schema.set("examples", ToolJson.MAPPER.valueToTree(examples));
            }
            return schema;
        });
    }

    /** {@code $defs} key of a model's rules, e.g. {@code model_o3_pro_reference-to-video}. */
    public static String defName(FalEndpoint e) {
        return "model_" + e.shortName().replace('/', '_');
    }

    /**
     * The schema {@code generate} checks its options with ({@code model} required, the options typed). The model fields
     * are left open here because they are checked, after aliases are renamed, by the model's own derived schema.
     */
    static ObjectNode options(FalEndpoints registry) {
        ObjectNode root = ToolJson.object();
        root.put("$schema", SchemaDeriver.DIALECT);
        root.put("type", "object");
        root.set("properties", optionProperties(registry));
        root.set("required", ToolJson.array().add("model"));
        return root;
    }

    public static ObjectNode build(FalEndpoints registry) {
        ObjectNode root = ToolJson.object();
        root.put("$schema", SchemaDeriver.DIALECT);
        root.put("type", "object");
        ObjectNode properties = root.putObject("properties");
        properties.setAll(optionProperties(registry));
        ObjectNode defs = ToolJson.object();
        Map<String, List<String>> fieldModels = new LinkedHashMap<>();
        Map<String, Map<String, List<String>>> fieldDescriptions = new LinkedHashMap<>();
        ArrayNode allOf = ToolJson.array();
        ArrayNode examples = ToolJson.array();
        for (FalEndpoint e : registry.all()) {
            ObjectNode derived = derivedInput(e);
            mergeDefs(derived, defs, e);
            ObjectNode modelProps = (ObjectNode) derived.get("properties");
            modelProps.fieldNames().forEachRemaining(f -> {
                fieldModels.computeIfAbsent(f, k -> new ArrayList<>()).add(e.shortName());
                fieldDescriptions
                        .computeIfAbsent(f, k -> new LinkedHashMap<>())
                        .computeIfAbsent(modelProps.get(f).path("description").asText(""), k -> new ArrayList<>())
                        .add(e.shortName());
                if (!properties.has(f)) {
                    properties.set(f, modelProps.get(f).deepCopy());
                }
            });
            defs.set(defName(e), modelRules(e, derived, properties));
            allOf.add(ToolJson.object()
                    .<ObjectNode>set(
                            "if",
                            ToolJson.object()
                                    .<ObjectNode>set(
                                            "properties", ToolJson.object().set("model", enumOf(e.shortName(), e.id())))
                                    .set("required", ToolJson.array().add("model")))
                    .set("then", ToolJson.object().put("$ref", "#/$defs/" + defName(e))));
            for (JsonNode example : derived.path("examples")) {
                if (example.isObject()) {
                    ObjectNode withModel = ToolJson.object().put("model", e.shortName());
                    withModel.setAll((ObjectNode) example);
                    examples.add(withModel);
                }
            }
        }
        StringBuilder rules = new StringBuilder("model plus that model's fields at top level. Per model:");
        for (FalEndpoint e : registry.all()) {
            JsonNode derived = derived(e);
            List<String> required = new ArrayList<>();
            derived.path("required").forEach(r -> required.add(r.asText()));
            rules.append(' ').append(e.shortName()).append(" takes ");
            rules.append(String.join(", ", fieldsOf(e)));
            rules.append(required.isEmpty() ? "" : " and requires " + String.join(", ", required));
            if (e.endFrameNeedsStartFrame()) {
                rules.append(" (end_image_url only together with start_image_url)");
            }
            rules.append(';');
        }
        rules.append(" every model needs exactly one of prompt or multi_prompt.");
        root.put("description", rules.toString());
        int modelCount = registry.all().size();
        fieldModels.forEach((field, models) -> {
            ObjectNode p = (ObjectNode) properties.get(field);
            Map<String, List<String>> texts = fieldDescriptions.get(field);
            if (texts.size() > 1) {
                // fal words one field differently per model where the models differ (4k allows 7 references with a
                // video, pro 4): every model's own text is kept, each naming its models, so none misleads another's
                // caller.
                StringBuilder d = new StringBuilder();
                texts.forEach((text, which) -> d.append(d.length() == 0 ? "" : " ")
                        .append(String.join(", ", which))
                        .append(": ")
                        .append(text.isEmpty() ? "(no description)" : text.endsWith(".") ? text : text + "."));
                p.put("description", d.toString());
            }
            if (models.size() < modelCount) {
                String d = p.path("description").asText("");
                p.put("description", (d.isEmpty() ? "" : d + " ") + "Only for: " + String.join(", ", models) + ".");
            }
        });
        root.set("required", ToolJson.array().add("model"));
        root.put("additionalProperties", false);
        root.set("allOf", allOf);
        if (!examples.isEmpty()) {
            root.set("examples", examples);
        }
        root.set("$defs", defs);
        return root;
    }

    /** {@code model} and the options of generate that are not model fields. */
    private static ObjectNode optionProperties(FalEndpoints registry) {
        ObjectNode properties = ToolJson.object();
        properties.set("model", modelProperty(registry));
        properties.set(
                "dry_run",
                ToolSchemas.bool(
                        "Validate and price only: nothing is submitted and nothing is charged. Use it to show the user the cost first."));
        properties.set(
                "wait_seconds",
                ToolSchemas.waitSeconds(
                        "Block up to this many seconds after submitting, then return the current state (0 = return at once). "
                                + "Keep it <= 50: many MCP clients cut tool calls at 60 s. Videos take minutes; follow up with status."));
        properties.set(
                "webhook_url",
                ToolJson.object()
                        .put("type", "string")
                        .put("format", "uri")
                        .put("maxLength", ToolSchemas.MAX_URL_LENGTH)
                        .put(
                                "description",
                                "Optional http(s) URL fal calls when the job finishes (passed to fal as fal_webhook). Never receives the fal key."));
        properties.set(
                "idempotency_key",
                ToolJson.object()
                        .put("type", "string")
                        .put("maxLength", 200)
                        .put(
                                "description",
                                "Optional. Retrying generate with the same key, model and input returns the first job instead of paying twice."));
        properties.set(
                "confirm_cost_usd",
                ToolJson.object()
                        .put("type", "number")
                        .put("minimum", 0)
                        .put(
                                "description",
                                "Only when the server asks for it (jobs above its confirmation threshold, for clients that cannot show a "
                                        + "confirmation dialog): the estimated price in dollars the user agreed to, e.g. 2.24."));

        return properties;
    }

    /** The model fields of one endpoint (for the normalizer and describe_models). */
    public static Set<String> fieldsOf(FalEndpoint e) {
        Set<String> names = new LinkedHashSet<>();
        derived(e).path("properties").fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static ObjectNode modelProperty(FalEndpoints registry) {
        List<String> names = new ArrayList<>();
        StringBuilder d = new StringBuilder("Which Kling O3 model runs the job (short name or full fal id). ");
        for (FalEndpoint e : registry.all()) {
            names.add(e.shortName());
            names.add(e.id());
            d.append(e.shortName()).append(": ").append(price(e)).append("; ");
        }
        return ToolJson.object()
                .put("type", "string")
                .put("maxLength", ToolSchemas.MAX_NAME_LENGTH)
                .put("description", d.toString().trim())
                .set("enum", ToolJson.MAPPER.valueToTree(names));
    }

    static String price(FalEndpoint e) {
        var p = e.pricing();
        return p.usdPerSecondAudioOff() == p.usdPerSecondAudioOn()
                ? String.format("$%.3f/s", p.usdPerSecondAudioOff())
                : String.format("$%.3f/s, $%.3f/s with audio", p.usdPerSecondAudioOff(), p.usdPerSecondAudioOn());
    }

    private static ObjectNode enumOf(String... values) {
        ArrayNode list = ToolJson.array();
        for (String v : values) {
            list.add(v);
        }
        return ToolJson.object().set("enum", list);
    }

    /**
     * One model's rules. Field schemas are repeated only where they validate differently from the top-level one
     * (descriptions aside): the per-model copies would otherwise triple the size of tools/list for nothing.
     */
    private static ObjectNode modelRules(FalEndpoint e, ObjectNode derived, ObjectNode topLevel) {
        ObjectNode rules = ToolJson.object();
        rules.put("description", e.title() + ": the fields this model accepts.");
        ObjectNode own = ToolJson.object();
        derived.get("properties").properties().forEach(f -> {
            JsonNode shared = topLevel.get(f.getKey());
            if (shared == null || !withoutAnnotations(shared).equals(withoutAnnotations(f.getValue()))) {
                own.set(f.getKey(), f.getValue().deepCopy());
            }
        });
        if (!own.isEmpty()) {
            rules.set("properties", own);
        }
        if (derived.has("required")) {
            rules.set("required", derived.get("required").deepCopy());
        }
        ArrayNode allowed = ToolJson.array();
        OPTIONS.forEach(allowed::add);
        derived.get("properties").fieldNames().forEachRemaining(allowed::add);
        rules.set("propertyNames", ToolJson.object().set("enum", allowed));
        return rules;
    }

    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "examples", "default", "$comment");

    /** The schema with annotation keywords removed at every level: what is left decides validation. */
    static JsonNode withoutAnnotations(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode out = ToolJson.object();
            object.properties().forEach(f -> {
                if (!ANNOTATIONS.contains(f.getKey())) {
                    out.set(
                            f.getKey(),
                            f.getKey().equals("properties")
                                    ? mapWithoutAnnotations(f.getValue())
                                    : withoutAnnotations(f.getValue()));
                }
            });
            return out;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode out = ToolJson.array();
            array.forEach(item -> out.add(withoutAnnotations(item)));
            return out;
        }
        return node;
    }

    private static JsonNode mapWithoutAnnotations(JsonNode map) {
        ObjectNode out = ToolJson.object();
        map.properties().forEach(f -> out.set(f.getKey(), withoutAnnotations(f.getValue())));
        return out;
    }

    /**
     * Copies a derived schema's {@code $defs} into the shared ones. Two documents may define one name differently; the
     * later copy is then renamed and this model's references rewritten, so no model validates against another's shape.
     */
    private static void mergeDefs(ObjectNode derived, ObjectNode defs, FalEndpoint e) {
        JsonNode own = derived.remove("$defs");
        if (own == null) {
            return;
        }
        Map<String, String> renames = new HashMap<>();
        own.properties().forEach(entry -> {
            String name = entry.getKey();
            JsonNode existing = defs.get(name);
            if (existing == null || existing.equals(entry.getValue())) {
                defs.set(name, entry.getValue());
            } else {
                renames.put(name, name + "_" + e.shortName().replace('/', '_'));
            }
        });
        if (renames.isEmpty()) {
            return;
        }
        own.properties().forEach(entry -> {
            if (renames.containsKey(entry.getKey())) {
                defs.set(
                        renames.get(entry.getKey()),
                        rewriteRefs(entry.getValue().deepCopy(), renames));
            }
        });
        rewriteRefs(derived, renames);
    }

    private static JsonNode rewriteRefs(JsonNode node, Map<String, String> renames) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith("#/$defs/")) {
                String target = ref.asText().substring("#/$defs/".length());
                if (renames.containsKey(target)) {
                    object.set("$ref", TextNode.valueOf("#/$defs/" + renames.get(target)));
                }
            }
            object.forEach(child -> rewriteRefs(child, renames));
        } else if (node instanceof ArrayNode array) {
            array.forEach(child -> rewriteRefs(child, renames));
        }
        return node;
    }
}
