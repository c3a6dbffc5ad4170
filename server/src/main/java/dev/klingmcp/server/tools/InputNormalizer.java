package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.klingmcp.openapi.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns what agents actually send into what fal expects, before validation. Every change is reported as a warning
 * so the agent learns fal's names; nothing is changed silently.
 *
 * <ul>
 * <li>Other names for the same field (what agents copy from other providers' pages: {@code tail_image_url}, {@code input_image};
 * fal's other Kling endpoints: {@code start_image_url} for the start frame) are renamed, but only when the model has
 * the target field and lacks the alias, so a field a model really has is never rewritten. An alias whose field the
 * model lacks is refused with what it means and the fields the model does take.</li>
 * <li>Whole-number {@code duration}s ({@code 8}) become fal's string enum ({@code "8"}), also inside
 * {@code multi_prompt}.</li>
 * <li>{@code image_url} on a model with {@code start_image_url} is refused naming both fields it may have meant.</li>
 * <li>{@code negative_prompt} is refused: none of these endpoints has it, and fal would drop it without a word while
 * the agent believes it took effect.</li>
 * </ul>
 */
public final class InputNormalizer {

    /** One accepted alternative name. */
    record Alias(String alias, String field, String origin) {}

    static final List<Alias> ALIASES = List.of(
            new Alias("tail_image_url", "end_image_url", "another provider's name for the last frame"),
            new Alias("input_image", "image_urls", "another provider's name for the reference images"),
            new Alias("start_image_url", "image_url", "fal's other Kling endpoints' name for the start frame"));

    /** The result: the input to validate, what was changed, and what can't be accepted at all. */
    public record Normalized(ObjectNode input, List<Warning> warnings, List<Violation> violations) {}

    /** A change we made; {@code path} is where the value now lives. */
    public record Warning(String path, String message) {

        @Override
        public String toString() {
            return (path.isEmpty() ? "" : path.substring(1) + ": ") + message;
        }
    }

    private InputNormalizer() {}

    /**
     * Maps other providers' field names onto the model's, with a warning for each.
     *
     * @param input       the model fields as the agent sent them (not modified)
     * @param modelFields the property names of the model's input schema
     */
    public static Normalized normalize(ObjectNode input, Set<String> modelFields) {
        ObjectNode out = input.deepCopy();
        List<Warning> warnings = new ArrayList<>();
        List<Violation> violations = new ArrayList<>();

        for (Alias a : ALIASES) {
            if (!out.has(a.alias()) || modelFields.contains(a.alias())) {
                continue;
            }
            if (!modelFields.contains(a.field())) {
                // Plain "unknown field" would leave the agent guessing what the name means here.
                out.remove(a.alias());
                violations.add(Violation.of(
                        "/" + a.alias(),
                        "extra_forbidden",
                        "'" + a.alias() + "' is " + a.origin() + " (fal's '" + a.field()
                                + "'), which this model does not take",
                        "this model's fields: " + String.join(", ", new TreeSet<>(modelFields))));
                continue;
            }
            JsonNode value = out.remove(a.alias());
            if (out.has(a.field())) {
                violations.add(Violation.of(
                        "/" + a.alias(),
                        "extra_forbidden",
                        "both '" + a.alias() + "' and '" + a.field() + "' were given; '" + a.alias() + "' is "
                                + a.origin() + " for the same thing",
                        "only '" + a.field() + "'"));
                continue;
            }
            if (a.field().equals("image_urls") && value.isTextual()) {
                value = ToolJson.array().add(value);
                warnings.add(new Warning("/image_urls", "wrapped the single URL in a list"));
            }
            out.set(a.field(), value);
            warnings.add(new Warning(
                    "/" + a.field(),
                    "'" + a.alias() + "' (" + a.origin() + ") was renamed to fal's '" + a.field() + "'; send '"
                            + a.field() + "' next time"));
        }

        if (out.has("image_url") && !modelFields.contains("image_url") && modelFields.contains("start_image_url")) {
            // Standard image-to-video's start frame, sent to a reference model: it could mean the first frame or a
            // reference image, so it is not renamed; the agent is told both names.
            out.remove("image_url");
            violations.add(Violation.of(
                    "/image_url",
                    "extra_forbidden",
                    "this model has no image_url (that is o3/standard/image-to-video's start frame)",
                    "start_image_url for the first frame, or image_urls (a list, @Image1..) for style references"));
        }

        if (out.has("negative_prompt")) {
            out.remove("negative_prompt");
            violations.add(Violation.of(
                    "/negative_prompt",
                    "extra_forbidden",
                    "these fal Kling O3 endpoints have no negative_prompt field (fal would silently ignore it)",
                    "write what to avoid into the prompt itself, e.g. a last line 'Constraints: no text overlays, no"
                            + " watermark, no logos'"));
        }

        durationToString(out, "duration", "/duration", warnings);
        JsonNode shots = out.get("multi_prompt");
        if (shots != null && shots.isArray()) {
            for (int i = 0; i < shots.size(); i++) {
                if (shots.get(i) instanceof ObjectNode shot) {
                    durationToString(shot, "duration", "/multi_prompt/" + i + "/duration", warnings);
                }
            }
        }
        return new Normalized(out, List.copyOf(warnings), List.copyOf(violations));
    }

    private static void durationToString(ObjectNode holder, String field, String path, List<Warning> warnings) {
        JsonNode value = holder.get(field);
        if (value == null || !value.isNumber()) {
            return;
        }
        // Only whole numbers map onto fal's enum; 7.5 is left for the validator to reject with the allowed values.
        if (value.isIntegralNumber() || value.asDouble() == Math.rint(value.asDouble())) {
            String text = Long.toString(Math.round(value.asDouble()));
            holder.set(field, TextNode.valueOf(text));
            warnings.add(new Warning(
                    path,
                    "number " + value + " converted to the string \"" + text + "\" that fal's duration enum expects"));
        }
    }
}
