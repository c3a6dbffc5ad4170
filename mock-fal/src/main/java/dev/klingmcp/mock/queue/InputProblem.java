package dev.klingmcp.mock.queue;

import java.util.List;
import java.util.Map;

/**
 * One reason an input was refused, in the shape fal's FastAPI runners report it ({@code {"loc","msg","type","ctx"}}).
 *
 * @param loc  location, fal style: {@code ["body", "elements", 1, "video_url"]}
 * @param msg  human readable: what was wrong and what is allowed
 * @param type pydantic-like code ({@code missing}, {@code enum}, {@code string_too_long}, {@code value_error} ...)
 * @param ctx  extra machine-readable facts (limits, allowed values); may be empty
 */
public record InputProblem(List<Object> loc, String msg, String type, Map<String, Object> ctx) {

    public InputProblem {
        loc = List.copyOf(loc);
        ctx = ctx == null ? Map.of() : Map.copyOf(ctx);
    }
}
