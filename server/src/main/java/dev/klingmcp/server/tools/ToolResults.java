package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.klingmcp.openapi.Violation;
import dev.klingmcp.server.jobs.JobException;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Content;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Builds tool results. Every result carries {@code structuredContent} (validated by the SDK against the tool's
 * {@code outputSchema} when it is not an error) plus a short text for clients that only show text. Errors are results
 * with {@code isError: true} and an {@code error} object, never JSON-RPC errors, so the agent can read and fix them.
 */
public final class ToolResults {

    /** Error codes an agent can branch on. */
    public enum Code {
        /** The arguments were refused before any network call; {@code problems} lists each one. */
        invalid_input,
        /** No job with that id. */
        not_found,
        /** The fal job itself failed; {@code detail} is fal's answer. */
        job_failed,
        /** fal refused the call (auth, quota, 5xx after retries). */
        fal_error,
        /** fal could not be reached. */
        fal_unreachable,
        /** The call hit its deadline; the work goes on in the background and {@code next_step} says what to call. */
        timed_out,
        /** The job's price needed the user's confirmation and did not get it; nothing was submitted. */
        cost_not_confirmed,
        /** The local disk or ledger failed. */
        local_io,
        /** A per-principal limit (unfinished jobs, daily budget) refused the call; nothing was submitted. */
        limit_exceeded,
        /** The call needs fal and FAL_KEY is not set; nothing was recorded or sent. */
        fal_key_missing,
        /** A bug on our side; the message says what. */
        internal_error
    }

    /** Problems listed in one answer; the rest are counted. An agent fixes the first ones and calls again. */
    static final int MAX_PROBLEMS = 20;

    /** Any one text (message, path, problem) in an error: room for a sentence, never a copy of a huge argument. */
    static final int MAX_TEXT = 1000;

    private final UnaryOperator<String> redactor;

    /** @param redactor scrubs secrets (the fal key) from any text before it leaves the server */
    public ToolResults(UnaryOperator<String> redactor) {
        this.redactor = redactor;
    }

    public CallToolResult ok(ObjectNode structured, String summary, Content... extra) {
        CallToolResult.Builder b = CallToolResult.builder()
                .structuredContent(structured(structured))
                .addContent(TextContent.builder(redactor.apply(summary)).build());
        for (Content c : extra) {
            b.addContent(c);
        }
        return b.isError(false).build();
    }

    /** The input was refused; {@code context} carries tool fields (model, warnings...) next to {@code error}. */
    public CallToolResult invalid(List<Violation> problems, ObjectNode context) {
        ObjectNode error = errorNode(
                Code.invalid_input,
                problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                        + " in the arguments; nothing was sent to fal");
        error.put("retryable", false);
        ArrayNode list = error.putArray("problems");
        StringBuilder text = new StringBuilder("Invalid input, nothing was submitted or charged. Fix and call again:");
        for (Violation v : problems.subList(0, Math.min(problems.size(), MAX_PROBLEMS))) {
            list.addObject()
                    .put("path", clip(v.path()))
                    .put("field", clip(v.field()))
                    .put("problem", clip(v.problem()))
                    .put("allowed", clip(v.allowed()))
                    .put("type", clip(v.type()));
            text.append("\n- ").append(clip(v.toString()));
        }
        if (problems.size() > MAX_PROBLEMS) {
            error.put("more_problems", problems.size() - MAX_PROBLEMS);
            text.append("\n- … and ").append(problems.size() - MAX_PROBLEMS).append(" more");
        }
        ObjectNode structured = context == null ? ToolJson.object() : context.deepCopy();
        structured.set("error", error);
        return error(structured, text.toString());
    }

    public CallToolResult failure(Code code, String message, ObjectNode context) {
        ObjectNode structured = context == null ? ToolJson.object() : context.deepCopy();
        structured.set("error", errorNode(code, message));
        return error(structured, clip(message));
    }

    /** Maps a JobService refusal to a tool error; INVALID_INPUT keeps its path so the agent knows what to change. */
    public CallToolResult failure(JobException e, ObjectNode context) {
        String message = e.getMessage() == null ? e.kind().name() : e.getMessage();
        if (e.kind() == JobException.Kind.INVALID_INPUT && !e.problems().isEmpty()) {
            return invalid(e.problems(), context);
        }
        if (e.kind() == JobException.Kind.INVALID_INPUT) {
            return invalid(
                    List.of(Violation.of(e.path() == null ? "" : e.path(), "value_error", message, e.allowed())),
                    context);
        }
        Code code =
                switch (e.kind()) {
                    case NOT_FOUND -> Code.not_found;
                    case FAL_ERROR -> Code.fal_error;
                    case UNREACHABLE -> Code.fal_unreachable;
                    case LOCAL_IO -> Code.local_io;
                    case LIMIT_EXCEEDED -> Code.limit_exceeded;
                    case NO_KEY -> Code.fal_key_missing;
                    default -> Code.internal_error;
                };
        ObjectNode structured = context == null ? ToolJson.object() : context.deepCopy();
        ObjectNode error = errorNode(code, message);
        if (e.httpStatus() > 0) {
            error.put("http_status", e.httpStatus());
        }
        error.put("retryable", e.retryable());
        if (e.jobId() != null && !structured.hasNonNull("job_id")) {
            structured.put("job_id", e.jobId());
        }
        structured.set("error", error);
        return error(structured, clip(message));
    }

    /** An error whose structured part the caller built (e.g. a failed job with fal's detail). */
    public CallToolResult error(ObjectNode structured, String summary) {
        return CallToolResult.builder()
                .structuredContent(structured(structured))
                .addContent(TextContent.builder(redactor.apply(summary)).build())
                .isError(true)
                .build();
    }

    public static ObjectNode errorNode(Code code, String message) {
        return ToolJson.object().put("code", code.name()).put("message", clip(message));
    }

    /** A text cut to {@link #MAX_TEXT} characters, saying how much was cut. */
    static String clip(String text) {
        if (text == null || text.length() <= MAX_TEXT) {
            return text;
        }
        return text.substring(0, MAX_TEXT) + "… (" + (text.length() - MAX_TEXT) + " more characters)";
    }

    /** Fields whose value is kept exactly as it came (fal's error detail, the model input, a schema). */
    private static final java.util.Set<String> VERBATIM = java.util.Set.of("detail", "input", "input_schema");

    /**
     * The result without its {@code null} fields, at any depth: a field with no value is left out, so every field of the
     * output schemas has one type and "optional" means "not in {@code required}", the form every client's validator
     * and every schema dialect reads the same way.
     */
    static ObjectNode withoutNulls(ObjectNode node) {
        List<String> nulls = new ArrayList<>();
        node.properties().forEach(f -> {
            JsonNode v = f.getValue();
            if (v.isNull()) {
                nulls.add(f.getKey());
            } else if (!VERBATIM.contains(f.getKey())) {
                stripNested(v);
            }
        });
        node.remove(nulls);
        return node;
    }

    private static void stripNested(JsonNode v) {
        if (v instanceof ObjectNode o) {
            withoutNulls(o);
        } else if (v instanceof ArrayNode a) {
            a.forEach(ToolResults::stripNested);
        }
    }

    /**
     * What the SDK sends as {@code structuredContent}: the result without its {@code null} fields (inside arrays they
     * stay; see {@link #withoutNulls}) and with every text (values and names) scrubbed of secrets. One walk of the
     * tree; the caller's tree is not changed. A part with nothing to drop or scrub is used as it is, and only the
     * objects and arrays above a change are new (a status result built without nulls, holding no key, is not copied at
     * all: the copy was a tenth of a stateless status call). So the result shares those parts with the caller's tree,
     * which callers build for the one result and do not change afterwards. It stays a Jackson tree (the SDK's record
     * takes any object): the output-schema check reads it as it is, the stateless lane puts it into its answer as it
     * is, and both write it straight to bytes, where a map had to be turned back into a tree on each of those paths.
     */
    private ObjectNode structured(ObjectNode raw) {
        return object(raw, true);
    }

    /** {@code node} itself when nothing in it changes, else a new object with the changed fields. */
    private ObjectNode object(ObjectNode node, boolean dropNulls) {
        ObjectNode out = null; // made at the first field that changes; the fields before it are copied as they are
        int index = 0;
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            String name = f.getKey();
            JsonNode v = f.getValue();
            boolean dropped = dropNulls && v.isNull();
            String scrubbed = dropped ? name : redactor.apply(name);
            JsonNode value = dropped ? null : plain(v, dropNulls && !VERBATIM.contains(name));
            if (out == null && (dropped || value != v || !scrubbed.equals(name))) {
                out = ToolJson.object();
                int copied = 0;
                for (Map.Entry<String, JsonNode> before : node.properties()) {
                    if (copied++ == index) {
                        break;
                    }
                    out.set(before.getKey(), before.getValue());
                }
            }
            if (out != null && !dropped) {
                out.set(scrubbed, value);
            }
            index++;
        }
        return out == null ? node : out;
    }

    private JsonNode plain(JsonNode v, boolean dropNulls) {
        if (v instanceof ObjectNode o) {
            return object(o, dropNulls);
        }
        if (v instanceof ArrayNode a) {
            ArrayNode out = null;
            for (int i = 0; i < a.size(); i++) {
                JsonNode e = a.get(i);
                JsonNode p = plain(e, dropNulls);
                if (out == null && p != e) {
                    out = ToolJson.array();
                    for (int k = 0; k < i; k++) {
                        out.add(a.get(k));
                    }
                }
                if (out != null) {
                    out.add(p);
                }
            }
            return out == null ? a : out;
        }
        if (v.isTextual()) {
            String text = v.textValue();
            String scrubbed = redactor.apply(text);
            return scrubbed.equals(text) ? v : TextNode.valueOf(scrubbed);
        }
        if (v.isNumber() || v.isBoolean() || v.isNull()) {
            return v; // immutable nodes: shared, not copied
        }
        if (v.isMissingNode()) {
            return NullNode.getInstance();
        }
        // Binary or POJO nodes: never built by the tools; kept as the JSON the SDK would write for them.
        return ToolJson.MAPPER.valueToTree(ToolJson.MAPPER.convertValue(v, Object.class));
    }
}
