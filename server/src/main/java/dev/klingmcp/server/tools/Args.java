package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.openapi.Violation;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a tool's own arguments (not model fields), collecting every problem instead of stopping at the first, because
 * the SDK's input validation is off (we report problems in our richer format).
 */
public final class Args {

    private final ObjectNode args;

    private final List<Violation> problems = new ArrayList<>();

    public Args(ObjectNode args) {
        this.args = args;
    }

    public ObjectNode tree() {
        return args;
    }

    public List<Violation> problems() {
        return problems;
    }

    public void problem(Violation v) {
        problems.add(v);
    }

    /** The {@code job_id} every job tool takes. */
    public String jobId() {
        return requiredString("job_id", "a job_id returned by generate (list_jobs shows them)");
    }

    /** The optional {@code model} argument resolved in the registry; null when absent or unknown (then a problem). */
    public FalEndpoint model(FalEndpoints registry) {
        String names = String.join(", ", registry.names());
        String name = string("model", names);
        FalEndpoint model = name == null ? null : registry.find(name).orElse(null);
        if (name != null && model == null) {
            problems.add(Violation.of("/model", "enum", "unknown model '" + name + "'", names));
        }
        return model;
    }

    /** A required non-blank string; null (and a problem) when absent. */
    public String requiredString(String name, String allowed) {
        JsonNode v = args.get(name);
        if (v == null || v.isNull()) {
            problems.add(Violation.of("/" + name, "missing", "'" + name + "' is required", allowed));
            return null;
        }
        return string(name, allowed);
    }

    public String string(String name, String allowed) {
        JsonNode v = args.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            problems.add(
                    Violation.of("/" + name, "string_type", "must be a non-empty string, got " + describe(v), allowed));
            return null;
        }
        return v.asText().trim();
    }

    public boolean bool(String name, boolean fallback) {
        JsonNode v = args.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            problems.add(Violation.of(
                    "/" + name, "bool_type", "must be true or false, got " + describe(v), "true or false"));
            return fallback;
        }
        return v.asBoolean();
    }

    public int integer(String name, int fallback, int min, int max) {
        JsonNode v = args.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        boolean whole = v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
        if (!whole || v.asDouble() < min || v.asDouble() > max) {
            problems.add(Violation.of(
                    "/" + name,
                    whole ? "less_than_equal" : "int_type",
                    "must be a whole number from " + min + " to " + max + ", got " + describe(v),
                    min + " .. " + max));
            return fallback;
        }
        return v.asInt();
    }

    /** Fails every argument not in {@code known} (they would otherwise be silently ignored). */
    public void rejectUnknown(List<String> known) {
        args.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                problems.add(Violation.of(
                        "/" + f,
                        "extra_forbidden",
                        "unknown argument '" + f + "'",
                        "one of " + String.join(", ", known)));
            }
        });
    }

    static String describe(JsonNode v) {
        String text = v.toString();
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " "
                + (text.length() > 60 ? text.substring(0, 60) + "…" : text);
    }
}
