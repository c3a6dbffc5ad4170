package dev.klingmcp.server.mcp;

import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.ErrorCodes;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptArgument;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The prompt {@code kling_reference_scene}: fal's "default prompt template" for Kling O3 reference-to-video (sections
 * Scene / Subjects / Style references / Camera / Important details / Audio / Constraints), filled with what the user
 * gave and annotated with the chosen model's reference limits. The section list lives in
 * {@code kling-mcp/prompts/kling_reference_scene.txt}, one {@code Label: [hint]} per line.
 */
public final class ReferenceScenePrompt {

    public static final String NAME = "kling_reference_scene";

    static final String TEMPLATE = "kling-mcp/prompts/kling_reference_scene.txt";

    static final String DEFAULT_MODEL = "o3/pro/reference-to-video";

    /** One section of the template. */
    record Section(String label, String hint) {

        /** {@code "Style references"} becomes the argument name {@code style_references}. */
        String argument() {
            return label.toLowerCase(Locale.ROOT).replace(' ', '_');
        }
    }

    private ReferenceScenePrompt() {}

    public static SyncPromptSpecification specification(FalEndpoints registry) {
        List<Section> sections = sections();
        List<PromptArgument> arguments = new ArrayList<>();
        arguments.add(new PromptArgument(
                "model",
                "Model",
                "Reference model to write for (default " + DEFAULT_MODEL + "); decides the reference limits.",
                false));
        for (Section s : sections) {
            arguments.add(new PromptArgument(
                    s.argument(), s.label(), s.hint(), s.argument().equals("scene")));
        }
        Prompt prompt = Prompt.builder(NAME)
                .title("Kling O3 reference scene")
                .description(
                        "Writes a Kling O3 reference-to-video prompt with fal's section template (Scene, Subjects, Style references, "
                                + "Camera, Important details, Audio, Constraints), addressing elements as @Element1.. and style "
                                + "images as @Image1...")
                .arguments(arguments)
                .build();
        return new SyncPromptSpecification(
                prompt, (exchange, request) -> render(registry, sections, request.arguments()));
    }

    static GetPromptResult render(FalEndpoints registry, List<Section> sections, Map<String, Object> args) {
        Map<String, Object> given = args == null ? Map.of() : args;
        if (text(given.get("scene")) == null) {
            throw invalid("argument 'scene' is required: what happens, where and when, in a sentence or two");
        }
        String modelName = text(given.get("model"));
        List<String> referenceModels = registry.all().stream()
                .filter(e -> e.references().supported())
                .map(FalEndpoint::shortName)
                .toList();
        FalEndpoint model = registry.find(modelName == null ? DEFAULT_MODEL : modelName)
                .filter(e -> e.references().supported())
                .orElseThrow(() -> invalid("argument 'model' = '" + modelName + "' is not a reference model; allowed: "
                        + String.join(", ", referenceModels)));
        StringBuilder draft = new StringBuilder();
        for (Section s : sections) {
            String value = text(given.get(s.argument()));
            draft.append(s.label())
                    .append(": ")
                    .append(value == null ? "[" + s.hint() + "]" : value)
                    .append('\n');
        }
        var refs = model.references();
        String instructions =
                "Write the prompt for a Kling O3 reference-to-video job on " + model.id() + ". Keep the section "
                        + "labels below, replace every [bracketed hint] with concrete details (drop Audio unless generate_audio will "
                        + "be true), and stay under 2500 characters. Refer to elements by position as @Element1, @Element2 (the order of "
                        + "the elements array) and to style images as @Image1, @Image2 (the order of image_urls); every @ElementN/@ImageN "
                        + "must exist. Limits on this model: at most " + refs.maxTotal()
                        + " elements + image_urls in total, at most "
                        + refs.maxTotalWithVideo() + " when an element is a video, at most " + refs.maxVideoElements()
                        + " video element. There is no negative_prompt: put what to avoid under Constraints. Then call generate "
                        + "with model=\"" + model.shortName()
                        + "\", prompt=<your text>, and the elements / image_urls it refers to "
                        + "(dry_run: true first to show the price).\n\nDraft:\n" + draft;
        return GetPromptResult.builder(List.of(new PromptMessage(
                        Role.USER, TextContent.builder(instructions).build())))
                .description("Kling O3 reference scene for " + model.shortName())
                .build();
    }

    /** A JSON-RPC invalid-params error naming the argument, as clients expect from {@code prompts/get}. */
    private static McpError invalid(String message) {
        return McpError.builder(ErrorCodes.INVALID_PARAMS).message(message).build();
    }

    static List<Section> sections() {
        try (InputStream in = ReferenceScenePrompt.class.getClassLoader().getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + TEMPLATE);
            }
            List<Section> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", 0)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    String hint = line.substring(colon + 1).trim().replaceAll("^\\[|\\]$", "");
                    out.add(new Section(line.substring(0, colon).trim(), hint));
                }
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable classpath resource " + TEMPLATE, e);
        }
    }

    private static String text(Object value) {
        return value == null || value.toString().isBlank()
                ? null
                : value.toString().trim();
    }
}
