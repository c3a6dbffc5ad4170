package dev.klingmcp.mock.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The body fal POSTs to a {@code fal_webhook} URL when a request finishes (only the final state is ever sent).
 *
 * @param requestId        the queue request id
 * @param gatewayRequestId fal sends the same id here for queue requests
 * @param status           {@code "OK"} or {@code "ERROR"}
 * @param payload          the model output, the error body (e.g. {@code {"detail":[…]}}), or null
 * @param error            null on success, e.g. {@code "Invalid status code: 422"} on failure
 * @param payloadError     set only when the payload could not be serialized (fal then sends {@code payload: null})
 */
public record WebhookEvent(
        String requestId, String gatewayRequestId, String status, JsonNode payload, String error, String payloadError) {

    public static final String OK = "OK";
    public static final String ERROR = "ERROR";
    private static final ObjectMapper JSON = new ObjectMapper();

    public WebhookEvent {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(gatewayRequestId, "gatewayRequestId");
        if (!OK.equals(status) && !ERROR.equals(status)) {
            throw new IllegalArgumentException("status must be OK or ERROR, was " + status);
        }
    }

    /** A successful request: {@code payload} is the model output exactly as the result GET returns it. */
    public static WebhookEvent ok(String requestId, JsonNode output) {
        return new WebhookEvent(requestId, requestId, OK, output, null, null);
    }

    /**
     * A failed request: {@code error} is fal's summary ({@code "Invalid status code: 422"}) and {@code errorBody} what
     * the result GET answers (e.g. the 422 {@code {"detail":[…]}}).
     */
    public static WebhookEvent error(String requestId, String error, JsonNode errorBody) {
        return new WebhookEvent(requestId, requestId, ERROR, errorBody, error, null);
    }

    /** A failed request whose body was not JSON: fal sends {@code payload: null} plus {@code payload_error}. */
    public static WebhookEvent unserializablePayload(String requestId, String error) {
        return new WebhookEvent(
                requestId,
                requestId,
                ERROR,
                null,
                error,
                "Response payload is not JSON serializable. Either return a JSON serializable object or use the queue"
                        + " endpoint to retrieve the response.");
    }

    /** The wire body, keys in fal's order; {@code payload_error} only when set, the other keys always (null included). */
    public byte[] toJsonBytes() {
        ObjectNode body = JSON.createObjectNode();
        body.put("request_id", requestId);
        body.put("gateway_request_id", gatewayRequestId);
        body.put("status", status);
        body.set("payload", payload);
        body.put("error", error);
        if (payloadError != null) {
            body.put("payload_error", payloadError);
        }
        try {
            return JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
