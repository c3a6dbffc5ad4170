package dev.klingmcp.contract.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.openapi.InputValidator;
import dev.klingmcp.testing.seed.SeedExamples;
import java.util.List;

/**
 * The request examples of fal's doc pages, as transcribed once for the whole project ({@link SeedExamples}), judged by the same strict validator the server uses: the
 * rule-valid ones drive the happy paths, the others must be refused.
 *
 * @param name  file name without {@code .json}
 * @param model short model name, e.g. {@code o3/pro/reference-to-video}
 * @param input the model input exactly as the page prints it
 * @param valid true when the schema and the cross-field rules accept it
 */
record SeedInputs(String name, String model, ObjectNode input, boolean valid) {

    static List<SeedInputs> all() {
        return SeedExamples.all().stream().map(SeedInputs::judge).toList();
    }

    static List<SeedInputs> ruleValid() {
        return all().stream().filter(SeedInputs::valid).toList();
    }

    static List<SeedInputs> ruleBreaking() {
        return all().stream().filter(s -> !s.valid()).toList();
    }

    private static SeedInputs judge(SeedExamples.Example example) {
        ObjectNode input = example.input();
        boolean valid = InputValidator.forEndpoint(FalEndpoints.load().require(example.model()), true)
                .validate(input)
                .isEmpty();
        return new SeedInputs(example.name(), example.model(), input, valid);
    }

    /** The duration the input asks for: {@code duration}, else the schemas' default of 5 seconds. */
    int requestedSeconds() {
        return input.hasNonNull("duration")
                ? Integer.parseInt(input.get("duration").asText())
                : 5;
    }

    /** Generate arguments: the model plus the input's fields at top level, as the tool takes them. */
    ObjectNode generateArguments() {
        ObjectNode args = ToolCall.JSON.createObjectNode().put("model", model);
        args.setAll(input.deepCopy());
        fillPlaceholderUrls(args, false);
        return args;
    }

    /**
     * fal's pages print {@code "..."} where a media URL goes, and the server refuses anything but an https URL there;
     * a public https URL stands in (the mock never fetches inputs).
     */
    private static void fillPlaceholderUrls(JsonNode node, boolean urlField) {
        if (node instanceof ObjectNode object) {
            for (String name : object.properties().stream()
                    .map(java.util.Map.Entry::getKey)
                    .toList()) {
                JsonNode value = object.get(name);
                boolean isUrl = name.endsWith("_url") || name.endsWith("_urls");
                if (isUrl && value.isTextual() && value.asText().equals("...")) {
                    object.set(name, placeholder(name));
                } else {
                    fillPlaceholderUrls(value, isUrl);
                }
            }
        } else if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (urlField
                        && array.get(i).isTextual()
                        && array.get(i).asText().equals("...")) {
                    array.set(i, placeholder("image"));
                } else {
                    fillPlaceholderUrls(array.get(i), urlField);
                }
            }
        }
    }

    private static JsonNode placeholder(String field) {
        return ToolCall.JSON
                .getNodeFactory()
                .textNode("https://example.com/seed/" + field + (field.startsWith("video") ? ".mp4" : ".png"));
    }

    @Override
    public String toString() {
        return name;
    }
}
