package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code describe_models}: everything an agent needs to pick a model and fill its fields, read from the registry and
 * the derived schemas (fields, defaults, enums, limits, the documents' examples) and the price table.
 */
public final class DescribeModelsTool extends AbstractTool {

    public static final String NAME = "describe_models";

    public DescribeModelsTool(ToolContext ctx) {
        super(
                ctx,
                NAME,
                "Describe the Kling O3 models",
                "Free, local. Call this first. For each Kling O3 model on fal: what it does, every input field "
                        + "(type, default, allowed values, whether required), limits (durations, references, prompt length), "
                        + "price per second with examples, typical queue and run time, and ready-to-use example inputs. "
                        + "include_schema: true adds the full JSON Schema of the model's input.",
                ToolSchemas.input(ToolJson.object()
                        .<ObjectNode>set(
                                "model", ToolSchemas.model(ctx, "Describe only this model (short name or full id)."))
                        .set("include_schema", ToolSchemas.bool("Include each model's full input JSON Schema."))),
                ToolHints.local().readOnly().idempotent());
    }

    @Override
    protected CallToolResult run(ToolCall call) {
        boolean includeSchema = call.flag("include_schema");
        List<FalEndpoint> endpoints =
                call.model(ctx.registry()).map(List::of).orElse(ctx.registry().all());
        ObjectNode out = ToolJson.object();
        ArrayNode list = out.putArray("models");
        StringBuilder text = new StringBuilder();
        for (FalEndpoint e : endpoints) {
            ObjectNode m = describe(e, includeSchema);
            list.add(m);
            text.append("- ")
                    .append(e.shortName())
                    .append(" (")
                    .append(e.id())
                    .append("): ")
                    .append(GenerateSchema.price(e))
                    .append(", typically ")
                    .append(Descriptions.minutes(m.path("typical_run_seconds")
                            .path("for_default_duration")
                            .asDouble()))
                    .append(" for the default duration. ")
                    .append(e.summary())
                    .append('\n');
        }
        out.put(
                "how_to",
                "Call generate with model=<short_name> and the fields at top level (dry_run: true shows the price "
                        + "without paying). Then status(job_id, wait_seconds: 50) until SUCCEEDED, then result(job_id, download: true). "
                        + "Upload local files with upload first. The prompt kling_reference_scene helps write reference prompts.");
        return ctx.results()
                .ok(
                        out,
                        "Kling O3 models on fal:\n" + text + "Next: "
                                + out.get("how_to").asText());
    }

    private ObjectNode describe(FalEndpoint e, boolean includeSchema) {
        ObjectNode schema = GenerateSchema.derivedInput(e);
        ObjectNode m = ToolJson.object()
                .put("id", e.id())
                .put("short_name", e.shortName())
                .put("title", e.title())
                .put("summary", e.summary());
        Set<String> required = new LinkedHashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        ArrayNode fields = m.putArray("fields");
        schema.path("properties")
                .properties()
                .forEach(f -> fields.add(field(f.getKey(), f.getValue(), required.contains(f.getKey()))));

        ObjectNode limits = m.putObject("limits");
        JsonNode duration = schema.path("properties").path("duration");
        if (duration.has("enum")) {
            limits.set("duration", duration.get("enum"));
        }
        maxLength(schema.path("properties").path("prompt")).ifPresent(n -> limits.put("prompt_max_length", n));
        limits.put("exactly_one_of", "prompt, multi_prompt");
        var refs = e.references();
        ObjectNode r = limits.putObject("references");
        r.put("supported", refs.supported());
        if (refs.supported()) {
            r.put("max_elements_plus_image_urls", refs.maxTotal())
                    .put("max_total_with_a_video_element", refs.maxTotalWithVideo())
                    .put("max_video_elements", refs.maxVideoElements())
                    .put("prompt_syntax", "@Element1.. for elements, @Image1.. for image_urls (1-based positions)");
        }
        limits.put("end_image_needs_start_frame", e.endFrameNeedsStartFrame());

        ObjectNode pricing = m.putObject("pricing");
        double off = Descriptions.price(ctx, e, 5, false).usdPerSecond();
        double on = Descriptions.price(ctx, e, 5, true).usdPerSecond();
        pricing.put("usd_per_second_audio_off", off).put("usd_per_second_audio_on", on);
        ObjectNode examples = pricing.putObject("examples");
        for (int seconds : new int[] {5, 10, 15}) {
            examples.put(
                    seconds + "s", Descriptions.price(ctx, e, seconds, false).usd());
        }
        int defaultSeconds = Integer.parseInt(duration.path("default").asText("5"));
        m.putObject("typical_run_seconds")
                .put("queue", e.timing().queueSeconds())
                .put("per_5s_of_video", e.timing().runSecondsPer5s())
                .put("for_default_duration", Descriptions.total(e, defaultSeconds));
        ArrayNode ex = m.putArray("examples");
        // The derived schema carries only examples generate accepts (fal's, fixed where fal's own is refused).
        schema.path("examples").forEach(x -> {
            if (x.isObject()) {
                ObjectNode call = ToolJson.object().put("model", e.shortName());
                call.setAll((ObjectNode) x);
                ex.add(call);
            }
        });
        if (includeSchema) {
            m.set("input_schema", schema);
        }
        return m;
    }

    private static ObjectNode field(String name, JsonNode s, boolean required) {
        ObjectNode f =
                ToolJson.object().put("name", name).put("type", typeOf(s)).put("required", required);
        if (s.has("default")) {
            f.set("default", s.get("default"));
        }
        JsonNode values = s.has("enum") ? s.get("enum") : null;
        if (values != null) {
            f.set("allowed", values);
        }
        f.put("description", s.path("description").asText(""));
        return f;
    }

    /** A short readable type: "string", "string enum", "array<KlingV3ComboElementInput>", "string | null"... */
    static String typeOf(JsonNode s) {
        if (s.has("$ref")) {
            return s.get("$ref").asText().replace("#/$defs/", "");
        }
        if (s.has("anyOf")) {
            List<String> parts = new ArrayList<>();
            s.get("anyOf").forEach(b -> parts.add(typeOf(b)));
            return String.join(" | ", parts);
        }
        JsonNode type = s.get("type");
        String t = type == null ? "any" : type.isArray() ? String.join(" | ", textValues(type)) : type.asText();
        if ("array".equals(t) && s.has("items")) {
            return "array<" + typeOf(s.get("items")) + ">";
        }
        return s.has("enum") ? t + " enum" : t;
    }

    private static List<String> textValues(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static java.util.OptionalInt maxLength(JsonNode s) {
        if (s.has("maxLength")) {
            return java.util.OptionalInt.of(s.get("maxLength").asInt());
        }
        for (JsonNode b : s.path("anyOf")) {
            if (b.has("maxLength")) {
                return java.util.OptionalInt.of(b.get("maxLength").asInt());
            }
        }
        return java.util.OptionalInt.empty();
    }
}
