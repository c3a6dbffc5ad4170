package dev.klingmcp.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ready-to-use input examples of a model: the examples of its OpenAPI document's input component, with fields set
 * to {@code null} left out (null means "not given" there), and the fixes of {@value #FIXES} applied where fal's own
 * example breaks a rule fal states (each fix says why). Every example returned passes the model's strict validation;
 * one that does not is a broken document or fix, so it fails loudly instead of being offered to an agent.
 */
public final class ModelExamples {

    /** Classpath location of the fixes. */
    public static final String FIXES = "openapi/example-fixes.json";

    private static final Map<String, List<ObjectNode>> CACHE = new ConcurrentHashMap<>();

    private ModelExamples() {}

    /** The model's examples (copies the caller may change), in the document's order. */
    public static List<ObjectNode> of(FalEndpoint endpoint) {
        return CACHE.computeIfAbsent(endpoint.id() + " " + endpoint.document(), k -> derive(endpoint)).stream()
                .map(ObjectNode::deepCopy)
                .toList();
    }

    private static List<ObjectNode> derive(FalEndpoint endpoint) {
        JsonNode component = OpenApiDocument.of(endpoint)
                .root()
                .path("components")
                .path("schemas")
                .path(endpoint.inputComponent());
        JsonNode fixes = Json.readResource(FIXES).path("fixes");
        InputValidator validator = InputValidator.forEndpoint(endpoint, true);
        List<ObjectNode> out = new ArrayList<>();
        JsonNode examples = component.path("examples");
        for (int i = 0; i < examples.size(); i++) {
            if (!(examples.get(i) instanceof ObjectNode published)) {
                continue;
            }
            ObjectNode example = withoutNulls(published);
            for (JsonNode fix : fixes) {
                if (fix.path("endpoint").asText().equals(endpoint.id())
                        && fix.path("example").asInt(-1) == i) {
                    fix.path("merge")
                            .properties()
                            .forEach(f -> example.set(f.getKey(), f.getValue().deepCopy()));
                }
            }
            List<Violation> problems = validator.validate(example);
            if (!problems.isEmpty()) {
                throw new IllegalStateException("example " + i + " of " + endpoint.document() + " (after " + FIXES
                        + ") is refused by the model's own rules: " + problems);
            }
            out.add(example);
        }
        return List.copyOf(out);
    }

    private static ObjectNode withoutNulls(ObjectNode example) {
        ObjectNode out = example.deepCopy();
        List<String> nulls = new ArrayList<>();
        out.properties().forEach(f -> {
            if (f.getValue().isNull()) {
                nulls.add(f.getKey());
            }
        });
        out.remove(nulls);
        return out;
    }
}
