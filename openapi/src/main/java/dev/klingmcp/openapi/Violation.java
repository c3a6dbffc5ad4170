package dev.klingmcp.openapi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One problem with a model input, phrased so that an agent can fix its call from this alone.
 *
 * @param path    JSON Pointer of the offending value ({@code ""} = the whole input), e.g. {@code /elements/1/video_url}
 * @param problem what is wrong, e.g. {@code "must be one of the listed values, got \"20\""}
 * @param allowed what would be accepted, e.g. {@code "\"3\" .. \"15\" (a string)"}
 * @param type    a pydantic-like machine code as fal reports them: {@code missing}, {@code extra_forbidden},
 *                {@code enum}, {@code string_type}, {@code string_too_long}, {@code too_long}, {@code value_error}…
 * @param ctx     machine-readable context (fal's {@code ctx}), e.g. {@code {"max_length": 2500}}
 */
public record Violation(String path, String problem, String allowed, String type, Map<String, Object> ctx) {

    public Violation {
        Objects.requireNonNull(path, "path == null");
        Objects.requireNonNull(problem, "problem == null");
        allowed = allowed == null ? "" : allowed;
        type = type == null ? "value_error" : type;
        ctx = ctx == null ? Map.of() : Map.copyOf(ctx);
    }

    /** A violation with no machine context. */
    public static Violation of(String path, String type, String problem, String allowed) {
        return new Violation(path, problem, allowed, type, Map.of());
    }

    /** fal's {@code loc}: {@code ["body", "elements", 1, "video_url"]}. */
    public List<Object> loc() {
        List<Object> loc = new ArrayList<>();
        loc.add("body");
        if (path.isEmpty()) {
            return loc;
        }
        for (String token : path.substring(1).split("/", -1)) {
            String name = token.replace("~1", "/").replace("~0", "~");
            loc.add(name.matches("\\d{1,9}") ? (Object) Integer.valueOf(name) : name);
        }
        return loc;
    }

    /** The field path in the dotted form agents write: {@code elements[1].video_url}; {@code (input)} for the root. */
    public String field() {
        if (path.isEmpty()) {
            return "(input)";
        }
        StringBuilder out = new StringBuilder();
        for (Object part : loc().subList(1, loc().size())) {
            if (part instanceof Integer i) {
                out.append('[').append(i).append(']');
            } else {
                out.append(out.length() == 0 ? "" : ".").append(part);
            }
        }
        return out.toString();
    }

    /** One readable line: {@code duration: must be one of … (allowed: …)}. */
    @Override
    public String toString() {
        return field() + ": " + problem + (allowed.isEmpty() ? "" : " (allowed: " + allowed + ")");
    }
}
