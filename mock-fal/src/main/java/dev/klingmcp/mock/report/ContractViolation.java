package dev.klingmcp.mock.report;

import java.util.Objects;

/**
 * One way a request differs from what fal's OpenAPI documents declare.
 *
 * @param where   which part of the request: {@code path}, {@code method}, {@code header}, {@code query} or {@code body}
 * @param path    where in that part: a JSON Pointer into the body ({@code /elements/0/video_url}, {@code ""} = the
 *                whole body), a header or query parameter name, or the URL path
 * @param problem what is wrong
 * @param allowed what the documents accept (may be empty)
 * @param type    a machine code: {@code extra_forbidden}, {@code string_type}, {@code missing}, {@code enum}…
 */
public record ContractViolation(String where, String path, String problem, String allowed, String type) {

    public ContractViolation {
        Objects.requireNonNull(where, "where == null");
        Objects.requireNonNull(path, "path == null");
        Objects.requireNonNull(problem, "problem == null");
        allowed = allowed == null ? "" : allowed;
        type = type == null ? "value_error" : type;
    }

    /** {@code body /duration: must be a string, got number (allowed: "3" .. "15")}. */
    @Override
    public String toString() {
        return where + " " + (path.isEmpty() ? "(whole)" : path) + ": " + problem
                + (allowed.isEmpty() ? "" : " (allowed: " + allowed + ")");
    }
}
