package dev.klingmcp.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A quick "valid" for a tool result whose output schema uses only the plain keywords our schemas are made of
 * ({@code type}, {@code properties}, {@code required}, {@code items}, {@code enum}, {@code anyOf}, {@code minimum},
 * {@code maximum}, {@code additionalProperties}, local {@code $ref}s into the root's {@code $defs}, and annotations). A JSON Schema validator records the instance and evaluation path of every node it
 * visits (an object per node: more than a sixth of all the bytes a {@code status} call allocated, for a verdict that is
 * nearly always "valid"); this check walks the same tree and allocates nothing.
 *
 * <p>It only ever says "passes" where the 2020-12 rules say valid, and it says "does not pass" wherever it is unsure
 * (an integer written as 1.0, an enum value of another numeric type): then the full validator decides and writes the
 * error. A schema with any other keyword, or a boolean schema, gets no precheck at all ({@link #compile} is null).
 */
final class ResultPrecheck {

    /** Keywords with no effect on validity. */
    private static final Set<String> ANNOTATIONS = Set.of("description", "title", "examples", "default", "$comment");

    /** {@code additionalProperties: false}: no value passes. */
    private static final ResultPrecheck NOTHING = new ResultPrecheck(
            new String[0],
            new String[0],
            new String[0],
            new ResultPrecheck[0],
            null,
            null,
            null,
            null,
            null,
            null,
            null);

    private static final String DEFS = "#/$defs/";

    /** Deeper than any schema of ours: only a definition that refers to itself gets there. */
    private static final int MAX_DEPTH = 64;

    private static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Set<String> TYPES =
            Set.of("object", "array", "string", "boolean", "null", "number", "integer");

    private final String[] types;

    private final String[] required;

    private final String[] propertyNames;

    private final ResultPrecheck[] propertyChecks;

    private final ResultPrecheck items;

    private final JsonNode[] enumValues;

    private final ResultPrecheck[] anyOf;

    private final BigDecimal minimum;

    private final BigDecimal maximum;

    /** What each field not in {@code properties} must pass ({@code additionalProperties}), or null for anything. */
    private final ResultPrecheck additional;

    /** The definition a {@code $ref} names (a root {@code $defs} entry), checked beside this node's keywords. */
    private final ResultPrecheck ref;

    private ResultPrecheck(
            String[] types,
            String[] required,
            String[] propertyNames,
            ResultPrecheck[] propertyChecks,
            ResultPrecheck items,
            JsonNode[] enumValues,
            ResultPrecheck[] anyOf,
            BigDecimal minimum,
            BigDecimal maximum,
            ResultPrecheck additional,
            ResultPrecheck ref) {
        this.additional = additional;
        this.ref = ref;
        this.types = types;
        this.required = required;
        this.propertyNames = propertyNames;
        this.propertyChecks = propertyChecks;
        this.items = items;
        this.enumValues = enumValues;
        this.anyOf = anyOf;
        this.minimum = minimum;
        this.maximum = maximum;
    }

    /** The precheck of {@code schema}, or null when it uses anything beyond the plain keywords. */
    static ResultPrecheck compile(Object schema) {
        try {
            return schema instanceof Map<?, ?> map ? node(map, (Map<?, ?>) map.get("$defs"), 0) : null;
        } catch (RuntimeException e) { // Unsupported, or a keyword of an unexpected shape
            return null;
        }
    }

    private static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported() {
            super(null, null, false, false);
        }
    }

    private static ResultPrecheck node(Map<?, ?> schema, Map<?, ?> defs, int depth) {
        if (depth > MAX_DEPTH) {
            throw new Unsupported(); // a definition that refers to itself
        }
        String[] types = null;
        String[] required = new String[0];
        String[] names = new String[0];
        ResultPrecheck[] checks = new ResultPrecheck[0];
        ResultPrecheck items = null;
        JsonNode[] enumValues = null;
        ResultPrecheck[] anyOf = null;
        BigDecimal minimum = null;
        BigDecimal maximum = null;
        ResultPrecheck ref = null;
        ResultPrecheck additional = null;
        for (Map.Entry<?, ?> e : schema.entrySet()) {
            String keyword = (String) e.getKey();
            Object value = e.getValue();
            switch (keyword) {
                case "type" -> types = value instanceof String one
                        ? new String[] {type(one)}
                        : ((List<?>) value).stream().map(t -> type((String) t)).toArray(String[]::new);
                case "required" -> required =
                        ((List<?>) value).stream().map(String.class::cast).toArray(String[]::new);
                case "properties" -> {
                    Map<?, ?> properties = (Map<?, ?>) value;
                    names = new String[properties.size()];
                    checks = new ResultPrecheck[properties.size()];
                    int i = 0;
                    for (Map.Entry<?, ?> p : properties.entrySet()) {
                        names[i] = (String) p.getKey();
                        checks[i++] = node((Map<?, ?>) p.getValue(), defs, depth + 1);
                    }
                }
                case "items" -> items = node((Map<?, ?>) value, defs, depth + 1);
                case "enum" -> enumValues = ((List<?>) value)
                        .stream().map(v -> (JsonNode) MAPPER.valueToTree(v)).toArray(JsonNode[]::new);
                case "anyOf" -> {
                    List<ResultPrecheck> branches = new ArrayList<>();
                    for (Object branch : (List<?>) value) {
                        branches.add(node((Map<?, ?>) branch, defs, depth + 1));
                    }
                    anyOf = branches.toArray(ResultPrecheck[]::new);
                }
                case "minimum" -> minimum = new BigDecimal(((Number) value).toString());
                case "maximum" -> maximum = new BigDecimal(((Number) value).toString());
                case "additionalProperties" -> additional = value instanceof Boolean allowed
                        ? (allowed ? null : NOTHING)
                        : node((Map<?, ?>) value, defs, depth + 1);
                case "$ref" -> ref = node(definition((String) value, defs), defs, depth + 1);
                case "$defs" -> {
                    if (depth != 0) {
                        throw new Unsupported();
                    }
                }
                case "$schema" -> {
                    if (depth != 0 || !DIALECT.equals(value)) {
                        throw new Unsupported();
                    }
                }
                default -> {
                    if (!ANNOTATIONS.contains(keyword)) {
                        throw new Unsupported();
                    }
                }
            }
        }
        return new ResultPrecheck(
                types, required, names, checks, items, enumValues, anyOf, minimum, maximum, additional, ref);
    }

    /** The root {@code $defs} entry a local reference names ({@code #/$defs/Name}, no escapes). */
    private static Map<?, ?> definition(String ref, Map<?, ?> defs) {
        String name = ref.startsWith(DEFS) ? ref.substring(DEFS.length()) : null;
        if (name == null || defs == null || name.contains("/") || name.contains("~") || name.contains("%")) {
            throw new Unsupported();
        }
        Object definition = defs.get(name);
        if (!(definition instanceof Map<?, ?> map)) {
            throw new Unsupported();
        }
        return map;
    }

    private static String type(String name) {
        if (!TYPES.contains(name)) {
            throw new Unsupported();
        }
        return name;
    }

    /** True only where the instance is certainly valid; false means "ask the full validator". */
    boolean passes(JsonNode value) {
        if (types != null && !typeMatches(value)) {
            return false;
        }
        if (value.isObject()) {
            for (String name : required) {
                if (!value.has(name)) {
                    return false;
                }
            }
            for (int i = 0; i < propertyNames.length; i++) {
                JsonNode property = value.get(propertyNames[i]);
                if (property != null && !propertyChecks[i].passes(property)) {
                    return false;
                }
            }
            if (additional != null && !additionalPass(value)) {
                return false;
            }
        } else if (value.isArray() && items != null) {
            for (int i = 0; i < value.size(); i++) {
                if (!items.passes(value.get(i))) {
                    return false;
                }
            }
        } else if (value.isNumber() && (minimum != null || maximum != null) && !inRange(value)) {
            return false;
        }
        return (enumValues == null || isOneOf(value, enumValues))
                && (anyOf == null || anyPasses(value))
                && (ref == null || ref.passes(value));
    }

    private boolean additionalPass(JsonNode object) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!Arrays.asList(propertyNames).contains(field.getKey()) && !additional.passes(field.getValue())) {
                return false;
            }
        }
        return true;
    }

    private boolean typeMatches(JsonNode value) {
        for (String type : types) {
            boolean matches =
                    switch (type) {
                        case "object" -> value.isObject();
                        case "array" -> value.isArray();
                        case "string" -> value.isTextual();
                        case "boolean" -> value.isBoolean();
                        case "null" -> value.isNull();
                        case "number" -> value.isNumber();
                        default -> value.isIntegralNumber(); // "integer"; 1.0 is left to the full validator
                    };
            if (matches) {
                return true;
            }
        }
        return false;
    }

    private boolean inRange(JsonNode number) {
        if ((number.isDouble() || number.isFloat()) && !Double.isFinite(number.doubleValue())) {
            return false;
        }
        BigDecimal v = number.decimalValue();
        return (minimum == null || v.compareTo(minimum) >= 0) && (maximum == null || v.compareTo(maximum) <= 0);
    }

    private static boolean isOneOf(JsonNode value, JsonNode[] allowed) {
        for (JsonNode a : allowed) {
            if (a.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private boolean anyPasses(JsonNode value) {
        for (ResultPrecheck branch : anyOf) {
            if (branch.passes(value)) {
                return true;
            }
        }
        return false;
    }
}
