package dev.klingmcp.mock.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.UUID;

/** Writes fal-style JSON answers: {@code Content-Type: application/json} and {@code x-fal-request-id}, always. */
public final class FalJson {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final String REQUEST_ID = "x-fal-request-id";

    private FalJson() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code {"detail": message}}, fal's usual error body. */
    public static ObjectNode detail(String message) {
        return object().put("detail", message);
    }

    /**
     * Sends {@code body} as JSON.
     *
     * @param requestId the id to echo; null invents one, as fal does for calls that name no request
     */
    public static void send(HttpServerResponse response, int status, String requestId, Object body) {
        if (response.ended() || response.closed()) {
            return;
        }
        sendBytes(response, status, requestId, bytes(body));
    }

    /** {@code body} as JSON bytes. */
    public static byte[] bytes(Object body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a mock answer", e);
        }
    }

    /** As {@link #send}, with the JSON already rendered. */
    public static void sendBytes(HttpServerResponse response, int status, String requestId, byte[] bytes) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader(
                        REQUEST_ID,
                        requestId != null ? requestId : UUID.randomUUID().toString())
                .end(Buffer.buffer(bytes));
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }
}
