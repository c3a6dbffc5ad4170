package dev.klingmcp.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Translates networknt's schema errors into {@link Violation}s an agent can act on: the field path, what was wrong,
 * and what is allowed (enum values, limits, known field names), with fal's pydantic-style type codes.
 */
final class SchemaErrors {

    private SchemaErrors() {}

    static List<Violation> translate(List<Error> errors, JsonNode schemaDocument) {
        // fal writes optional fields as anyOf [X, null]: when X fails, the null branch fails too ("string found, null
        // expected"). That second error says nothing the agent can use, so drop it whenever a real one exists.
        List<Error> useful = new ArrayList<>();
        for (Error e : errors) {
            if (!isNullBranchNoise(e) || errors.size() == 1) {
                useful.add(e);
            }
        }
        useful = withoutMismatchedBranches(useful);
        Map<String, Violation> byPath = new LinkedHashMap<>();
        for (Error e : useful) {
            Violation v = toViolation(e, schemaDocument);
            String key = v.path() + "|" + v.type();
            // A wrong type also fails the enum of that field: one message (the type one, which names the values) is
            // enough.
            if (v.type().equals("enum") && hasTypeError(useful, e)) {
                continue;
            }
            byPath.putIfAbsent(key, v);
        }
        return new ArrayList<>(byPath.values());
    }

    private static boolean isNullBranchNoise(Error e) {
        return "type".equals(e.getKeyword())
                && e.getArguments() != null
                && e.getArguments().length > 1
                && "null".equals(String.valueOf(e.getArguments()[1]));
    }

    /**
     * A value that fails every branch of an {@code anyOf}/{@code oneOf} gets one error per branch. A branch whose own
     * {@code type} does not match the value (a string sent where the branches are "string enum" or "array") explains
     * nothing: its errors are dropped when another branch of the same {@code anyOf} says what is wrong.
     */
    private static List<Error> withoutMismatchedBranches(List<Error> errors) {
        Map<String, List<String>> mismatched = new LinkedHashMap<>();
        Map<String, List<String>> failing = new LinkedHashMap<>();
        for (Error e : errors) {
            String[] branch = branch(e);
            if (branch == null) {
                continue;
            }
            failing.computeIfAbsent(branch[0], k -> new ArrayList<>()).add(branch[1]);
            if ("type".equals(e.getKeyword()) && fragment(e).equals(branch[0] + "/" + branch[1] + "/type")) {
                mismatched.computeIfAbsent(branch[0], k -> new ArrayList<>()).add(branch[1]);
            }
        }
        List<Error> out = new ArrayList<>();
        for (Error e : errors) {
            String[] branch = branch(e);
            boolean drop = branch != null
                    && mismatched.getOrDefault(branch[0], List.of()).contains(branch[1])
                    && !mismatched.get(branch[0]).containsAll(failing.get(branch[0]));
            if (!drop) {
                out.add(e);
            }
        }
        return out;
    }

    /** {@code [".../anyOf", "1"]} for an error raised inside a branch of an anyOf/oneOf, else null. */
    private static String[] branch(Error e) {
        String fragment = fragment(e);
        java.util.regex.Matcher m = BRANCH.matcher(fragment);
        String[] last = null;
        while (m.find()) {
            last = new String[] {fragment.substring(0, m.start()) + m.group(1), m.group(2)};
        }
        return last;
    }

    private static final java.util.regex.Pattern BRANCH = java.util.regex.Pattern.compile("(/(?:anyOf|oneOf))/(\\d+)");

    private static String fragment(Error e) {
        return e.getSchemaLocation() == null || e.getSchemaLocation().getFragment() == null
                ? ""
                : e.getSchemaLocation().getFragment().toString();
    }

    private static boolean hasTypeError(List<Error> errors, Error enumError) {
        String at = pointer(enumError);
        return errors.stream()
                .anyMatch(e -> "type".equals(e.getKeyword()) && pointer(e).equals(at));
    }

    private static Violation toViolation(Error e, JsonNode schemaDocument) {
        String path = pointer(e);
        JsonNode schema = keywordOwner(e, schemaDocument);
        JsonNode value = e.getInstanceNode();
        Object[] args = e.getArguments() == null ? new Object[0] : e.getArguments();
        String keyword = e.getKeyword() == null ? "" : e.getKeyword();
        switch (keyword) {
            case "additionalProperties": {
                String property = e.getProperty() != null ? e.getProperty() : String.valueOf(args[0]);
                return Violation.of(
                        path + "/" + escape(property),
                        "extra_forbidden",
                        "unknown field '" + property + "'",
                        "the fields of this object: " + fieldNames(schema));
            }
            case "unevaluatedProperties": {
                String property = e.getProperty() != null ? e.getProperty() : String.valueOf(args[0]);
                return Violation.of(
                        path + "/" + escape(property), "extra_forbidden", "unknown field '" + property + "'", "");
            }
            case "required": {
                String property = e.getProperty() != null ? e.getProperty() : String.valueOf(args[0]);
                JsonNode fieldSchema = schema.path("properties").path(property);
                return Violation.of(
                        path + "/" + escape(property), "missing", "required field is missing", describe(fieldSchema));
            }
            case "enum":
                return Violation.of(path, "enum", "got " + render(value), "one of " + enumValues(schema.path("enum")));
            case "type": {
                String expected = args.length > 1
                        ? String.valueOf(args[1])
                        : schema.path("type").asText("?");
                String allowed = schema.has("enum")
                        ? "one of " + enumValues(schema.path("enum")) + " (as strings)"
                        : article(expected);
                return Violation.of(
                        path,
                        typeCode(expected),
                        "must be " + article(expected) + ", got "
                                + (value != null && value.isNull() ? "null" : jsonType(value) + " " + render(value)),
                        allowed);
            }
            case "minimum", "maximum": {
                boolean max = keyword.equals("maximum");
                JsonNode limit = schema.path(keyword);
                return new Violation(
                        path,
                        "must be " + (max ? "at most " : "at least ") + limit + ", got " + render(value),
                        range(schema),
                        max ? "less_than_equal" : "greater_than_equal",
                        Map.of(max ? "le" : "ge", limit.numberValue()));
            }
            case "maxLength": {
                int max = schema.path("maxLength").asInt();
                return new Violation(
                        path,
                        "is " + value.asText().codePointCount(0, value.asText().length()) + " characters long",
                        "at most " + max + " characters",
                        "string_too_long",
                        Map.of("max_length", max));
            }
            case "minLength": {
                int min = schema.path("minLength").asInt();
                return new Violation(
                        path,
                        value.asText().isEmpty() ? "is empty" : "is too short",
                        min == 1 ? "a non-empty string" : "at least " + min + " characters",
                        "string_too_short",
                        Map.of("min_length", min));
            }
            case "maxItems": {
                int max = schema.path("maxItems").asInt();
                return new Violation(
                        path,
                        "has " + value.size() + " items",
                        "at most " + max + " items",
                        "too_long",
                        Map.of("max_length", max));
            }
            case "minItems": {
                int min = schema.path("minItems").asInt();
                return new Violation(
                        path,
                        "has " + value.size() + " items",
                        "at least " + min + " items",
                        "too_short",
                        Map.of("min_length", min));
            }
            default:
                return Violation.of(path, "value_error", e.getMessage(), describe(schema));
        }
    }

    /** The (sub)schema that holds the failing keyword, looked up in the derived document by the error's location. */
    private static JsonNode keywordOwner(Error e, JsonNode schemaDocument) {
        String fragment = fragment(e);
        int cut = fragment.lastIndexOf('/');
        if (!fragment.startsWith("/") || cut < 0) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        return schemaDocument.at(fragment.substring(0, cut));
    }

    /** JSON Pointer of the instance location, built from the path's elements (independent of networknt's format). */
    static String pointer(Error e) {
        var location = e.getInstanceLocation();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < location.getNameCount(); i++) {
            out.append('/').append(escape(String.valueOf(location.getElement(i))));
        }
        return out.toString();
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** {@code "0 .. 50"}, {@code "at least 1"}: the bounds a number schema sets. */
    private static String range(JsonNode schema) {
        String type = schema.path("type").asText("number");
        if (schema.has("minimum") && schema.has("maximum")) {
            return article(type) + " from " + schema.get("minimum") + " to " + schema.get("maximum");
        }
        return article(type)
                + (schema.has("minimum") ? " >= " + schema.get("minimum") : " <= " + schema.get("maximum"));
    }

    private static String article(String type) {
        return (type.matches("[aeiou].*") ? "an " : "a ") + type;
    }

    private static String typeCode(String expected) {
        return switch (expected) {
            case "string" -> "string_type";
            case "array" -> "list_type";
            case "boolean" -> "bool_type";
            case "integer" -> "int_type";
            case "number" -> "float_type";
            case "object" -> "model_type";
            default -> expected + "_type";
        };
    }

    private static String jsonType(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        if (value.isIntegralNumber()) {
            return "integer";
        }
        return value.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** The offending value, short enough for one line. */
    static String render(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        String text = value.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    private static String enumValues(JsonNode values) {
        StringJoiner joiner = new StringJoiner(", ");
        values.forEach(v -> joiner.add(v.toString()));
        return joiner.toString();
    }

    private static String fieldNames(JsonNode objectSchema) {
        StringJoiner joiner = new StringJoiner(", ");
        objectSchema.path("properties").fieldNames().forEachRemaining(joiner::add);
        return joiner.toString();
    }

    private static String describe(JsonNode fieldSchema) {
        if (fieldSchema == null || fieldSchema.isMissingNode()) {
            return "";
        }
        String type =
                fieldSchema.path("type").isTextual() ? fieldSchema.path("type").asText() : "";
        String description = fieldSchema.path("description").asText("");
        return (type.isEmpty() ? "" : "a " + type + (description.isEmpty() ? "" : ": ")) + description;
    }
}
