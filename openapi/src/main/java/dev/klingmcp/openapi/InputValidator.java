package dev.klingmcp.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates a model input the way fal would, before any money is spent: first against the JSON Schema derived from the
 * endpoint's OpenAPI document, then against the rules fal states only in prose (see {@link CrossFieldRules}).
 *
 * <p>Instances are immutable and thread-safe; {@link #forEndpoint} caches one per endpoint and mode.
 */
public final class InputValidator {

    private static final Map<String, InputValidator> CACHE = new ConcurrentHashMap<>();

    private final FalEndpoint endpoint;

    private final SchemaCheck schema;

    private InputValidator(FalEndpoint endpoint, ObjectNode schemaDocument) {
        this.endpoint = endpoint;
        this.schema = SchemaCheck.of(schemaDocument);
    }

    /**
     * The validator of a registry endpoint.
     *
     * @param strict reject fields the model does not have (the MCP server); fal itself ignores them (the mock)
     */
    public static InputValidator forEndpoint(FalEndpoint endpoint, boolean strict) {
        Objects.requireNonNull(endpoint, "endpoint == null");
        return CACHE.computeIfAbsent(
                endpoint.id() + "|" + strict,
                k -> new InputValidator(endpoint, SchemaDeriver.inputSchema(endpoint, strict)));
    }

    /** A validator for an explicit schema document (tests use it to validate against an edited document). */
    public static InputValidator of(FalEndpoint endpoint, ObjectNode schemaDocument) {
        return new InputValidator(endpoint, schemaDocument);
    }

    public FalEndpoint endpoint() {
        return endpoint;
    }

    /** The derived schema this validator applies (a copy). */
    public ObjectNode schema() {
        return schema.schema();
    }

    /**
     * Every problem with {@code input}, schema problems first; empty when the input is valid. Never throws on bad
     * input.
     */
    public List<Violation> validate(JsonNode input) {
        if (input == null || !input.isObject()) {
            return List.of(Violation.of(
                    "",
                    "model_attributes_type",
                    "the model input must be a JSON object, got "
                            + (input == null
                                    ? "nothing"
                                    : input.getNodeType().name().toLowerCase(java.util.Locale.ROOT)),
                    "an object with the model's fields"));
        }
        List<Violation> out = new ArrayList<>(schema.validate(input));
        out.addAll(CrossFieldRules.check(endpoint, input, out));
        return List.copyOf(out);
    }

    /** Only the problems the derived JSON Schema finds (no cross-field rules). */
    public List<Violation> schemaViolations(JsonNode input) {
        return schema.validate(input);
    }
}
