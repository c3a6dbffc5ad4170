package dev.klingmcp.mock.queue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * How a job failed, in the two forms fal shows it: the result GET (HTTP status + body, and headers such as
 * {@code X-Fal-Error-Type}) and the status body ({@code error} / {@code error_type}, which fal only sets for
 * infrastructure failures; a model's own 422 shows up only on the result).
 *
 * @param httpStatus  status of the result GET
 * @param body        body of the result GET (a fresh copy is handed out, callers may not mutate the shared one)
 * @param statusError {@code error} of the status body, or null
 * @param errorType   {@code error_type} of the status body and the {@code X-Fal-Error-Type} header, or null
 * @param userTimeout true when the request's own {@code x-fal-request-timeout} expired (504 + timeout-type header)
 */
public record JobFailure(int httpStatus, ObjectNode body, String statusError, String errorType, boolean userTimeout) {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Override
    public ObjectNode body() {
        return body.deepCopy();
    }

    /** The model refused the input: 422 {@code {"detail":[{loc,msg,type,ctx}]}}, as FastAPI runners answer. */
    public static JobFailure validation(List<InputProblem> problems) {
        ObjectNode body = JSON.objectNode();
        ArrayNode detail = body.putArray("detail");
        for (InputProblem p : problems) {
            ObjectNode d = detail.addObject();
            ArrayNode loc = d.putArray("loc");
            p.loc().forEach(part -> {
                if (part instanceof Number n) {
                    loc.add(n.intValue());
                } else {
                    loc.add(String.valueOf(part));
                }
            });
            d.put("msg", p.msg());
            d.put("type", p.type());
            if (!p.ctx().isEmpty()) {
                d.set("ctx", toJson(p.ctx()));
            }
        }
        return new JobFailure(422, body, null, null, false);
    }

    /** A platform failure such as {@code runner_disconnected}: {@code {"detail":…, "error_type":…}} plus status fields. */
    public static JobFailure infrastructure(String errorType) {
        String message = FalErrorTypes.message(errorType);
        ObjectNode body = JSON.objectNode().put("detail", message).put("error_type", errorType);
        return new JobFailure(
                FalErrorTypes.httpStatus(errorType), body, message, errorType, "request_timeout".equals(errorType));
    }

    private static ObjectNode toJson(Map<String, Object> ctx) {
        ObjectNode node = JSON.objectNode();
        ctx.forEach((k, v) -> node.set(k, JsonMapperHolder.MAPPER.valueToTree(v)));
        return node;
    }
}
