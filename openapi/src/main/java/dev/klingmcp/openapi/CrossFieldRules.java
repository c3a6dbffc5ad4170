package dev.klingmcp.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules fal states only in field descriptions, which no JSON Schema of fal's carries: exactly one of prompt and
 * multi_prompt; reference caps per endpoint; one video element at most; element shapes; {@code @ElementN} /
 * {@code @ImageN} mentions pointing at existing entries; an end frame that needs a start frame. fal checks these only
 * once the job runs (and some money and minutes are gone), so the server checks them before submitting.
 */
final class CrossFieldRules {

    private static final Pattern MENTION = Pattern.compile("@(Element|Image)(\\d+)", Pattern.CASE_INSENSITIVE);

    private CrossFieldRules() {}

    /**
     * @param schemaViolations problems already found by the schema; a field that failed there is not checked again
     */
    static List<Violation> check(FalEndpoint endpoint, JsonNode input, List<Violation> schemaViolations) {
        List<Violation> out = new ArrayList<>();
        promptXorMultiPrompt(input, out);
        JsonNode elements = arrayOrEmpty(input.get("elements"));
        JsonNode images = arrayOrEmpty(input.get("image_urls"));
        if (endpoint.references().supported()) {
            elementShapes(elements, out);
            referenceCaps(endpoint.references(), elements, images, out);
        }
        // A list sent as something else was refused by the schema; counting it as empty would add a second,
        // misleading problem ("@Element1 points at no entry") to the one the agent must fix.
        if (listOrAbsent(input.get("elements")) && listOrAbsent(input.get("image_urls"))) {
            mentions(endpoint, input, elements.size(), images.size(), out);
        }
        if (endpoint.endFrameNeedsStartFrame()
                && present(input.get("end_image_url"))
                && !present(input.get("start_image_url"))) {
            out.add(Violation.of(
                    "/end_image_url",
                    "value_error",
                    "end_image_url needs a start frame on " + endpoint.shortName(),
                    "also set start_image_url, or drop end_image_url"));
        }
        out.removeIf(v -> schemaViolations.stream().anyMatch(s -> s.path().equals(v.path())));
        return out;
    }

    private static void promptXorMultiPrompt(JsonNode input, List<Violation> out) {
        boolean prompt =
                present(input.get("prompt")) && !input.get("prompt").asText("").isBlank();
        JsonNode multi = input.get("multi_prompt");
        boolean multiPrompt = present(multi);
        if (prompt && multiPrompt) {
            out.add(Violation.of(
                    "/multi_prompt",
                    "value_error",
                    "both prompt and multi_prompt were given",
                    "exactly one of them: prompt (one text) or multi_prompt (a list of shots)"));
        } else if (!prompt && !multiPrompt) {
            boolean blank = present(input.get("prompt"));
            out.add(Violation.of(
                    "/prompt",
                    blank ? "string_too_short" : "missing",
                    blank
                            ? "prompt is empty and no multi_prompt was given"
                            : "neither prompt nor multi_prompt was given",
                    "exactly one of them: prompt (text, up to 2500 characters) or multi_prompt (a list of shots)"));
        } else if (multiPrompt && multi.isArray() && multi.isEmpty()) {
            out.add(Violation.of(
                    "/multi_prompt",
                    "too_short",
                    "multi_prompt is an empty list",
                    "at least one shot {prompt, duration}"));
        }
    }

    private static boolean listOrAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isArray();
    }

    private static void elementShapes(JsonNode elements, List<Violation> out) {
        for (int i = 0; i < elements.size(); i++) {
            JsonNode element = elements.get(i);
            if (!element.isObject()) {
                continue;
            }
            boolean video = present(element.get("video_url"));
            boolean frontal = present(element.get("frontal_image_url"));
            String at = "/elements/" + i;
            if (!video && !frontal) {
                out.add(Violation.of(
                        at,
                        "value_error",
                        "element " + (i + 1) + " has neither frontal_image_url nor video_url",
                        "an image set {frontal_image_url, reference_image_urls: 1-3 URLs} or {video_url}"));
            } else if (frontal && !present(element.get("reference_image_urls"))) {
                out.add(Violation.of(
                        at + "/reference_image_urls",
                        "missing",
                        "an image element needs reference images besides its frontal image",
                        "1-3 image URLs of the same subject from other angles"));
            }
        }
    }

    private static void referenceCaps(
            FalEndpoint.ReferenceRules rules, JsonNode elements, JsonNode images, List<Violation> out) {
        List<Integer> videoElements = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            if (present(elements.get(i).get("video_url"))) {
                videoElements.add(i);
            }
        }
        if (videoElements.size() > rules.maxVideoElements()) {
            int second = videoElements.get(rules.maxVideoElements());
            out.add(Violation.of(
                    "/elements/" + second + "/video_url",
                    "value_error",
                    videoElements.size() + " elements carry a video_url; a request can only have "
                            + rules.maxVideoElements() + " element with a video",
                    "one video element; give the others as image sets {frontal_image_url, reference_image_urls}"));
        }
        int total = elements.size() + images.size();
        boolean withVideo = !videoElements.isEmpty();
        int cap = withVideo ? rules.maxTotalWithVideo() : rules.maxTotal();
        if (total > cap) {
            String at = images.size() > 0 ? "/image_urls" : "/elements";
            out.add(new Violation(
                    at,
                    total + " references (" + elements.size() + " elements + " + images.size() + " image_urls)"
                            + (withVideo ? " with a video element" : ""),
                    "at most " + cap + " in total (elements + image_urls)"
                            + (withVideo ? " when an element has a video" : ""),
                    "too_long",
                    Map.of("max_length", cap)));
        }
    }

    private static void mentions(FalEndpoint endpoint, JsonNode input, int elements, int images, List<Violation> out) {
        checkMentions(endpoint, "/prompt", input.get("prompt"), elements, images, out);
        JsonNode shots = input.get("multi_prompt");
        if (shots != null && shots.isArray()) {
            for (int i = 0; i < shots.size(); i++) {
                checkMentions(
                        endpoint, "/multi_prompt/" + i + "/prompt", shots.get(i).get("prompt"), elements, images, out);
            }
        }
    }

    private static void checkMentions(
            FalEndpoint endpoint, String path, JsonNode text, int elements, int images, List<Violation> out) {
        if (text == null || !text.isTextual()) {
            return;
        }
        Matcher m = MENTION.matcher(text.asText());
        java.util.Set<String> dangling = new java.util.LinkedHashSet<>();
        boolean elementMention = false;
        boolean imageMention = false;
        while (m.find()) {
            boolean element = m.group(1).equalsIgnoreCase("element");
            int n = m.group(2).length() > 6 ? Integer.MAX_VALUE : Integer.parseInt(m.group(2));
            if (n < 1 || n > (element ? elements : images)) {
                dangling.add(m.group());
                elementMention |= element;
                imageMention |= !element;
            }
        }
        if (dangling.isEmpty()) {
            return;
        }
        String problem = String.join(", ", dangling) + (dangling.size() == 1 ? " points" : " point")
                + " at no entry (elements has " + elements + ", image_urls has " + images + ")";
        String allowed;
        if (!endpoint.references().supported()) {
            allowed = "no @Element/@Image mentions: " + endpoint.shortName() + " takes no references";
        } else {
            List<String> ranges = new ArrayList<>();
            if (elementMention) {
                ranges.add(
                        elements == 0
                                ? "add elements for @ElementN"
                                : elements == 1 ? "@Element1" : "@Element1..@Element" + elements);
            }
            if (imageMention) {
                ranges.add(
                        images == 0
                                ? "add image_urls for @ImageN"
                                : images == 1 ? "@Image1" : "@Image1..@Image" + images);
            }
            allowed = String.join("; ", ranges) + " (positions in the lists, starting at 1)";
        }
        out.add(Violation.of(path, "value_error", problem, allowed));
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    private static JsonNode arrayOrEmpty(JsonNode node) {
        return node != null && node.isArray()
                ? node
                : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    }
}
