package dev.klingmcp.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one shape of every error body the HTTP front answers with: a JSON-RPC error object (with the request's id when
 * it is known). Never a stack trace, never the server's name or version.
 */
final class JsonErrors {

    static final ObjectMapper JSON = new ObjectMapper();

    /** JSON-RPC "invalid request": what most transport-level refusals (401, 403, 413, 4xx) are. */
    static final int INVALID_REQUEST = -32600;

    static final int INTERNAL_ERROR = -32603;

    private JsonErrors() {}

    static ObjectNode body(JsonNode id, int code, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.put("jsonrpc", "2.0");
        root.set("id", id == null ? JSON.nullNode() : id);
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return root;
    }

    static int codeFor(int httpStatus) {
        return httpStatus >= 500 ? INTERNAL_ERROR : INVALID_REQUEST;
    }

    /** Writes the error as the whole response (the caller has not committed anything yet). */
    static void send(HttpServletResponse response, int status, JsonNode id, String message) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body(id, codeFor(status), message));
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /**
     * A safe replacement for an error body written by the SDK: it serializes its exception object (with the stack trace)
     * on some refusals; only the JSON-RPC error inside is kept.
     */
    static byte[] sanitize(byte[] written, int status, JsonNode id) {
        String message = null;
        int code = codeFor(status);
        try {
            JsonNode tree = JSON.readTree(written);
            if (tree != null && tree.has("jsonrpc") && !tree.has("stackTrace")) {
                return written; // already a JSON-RPC message
            }
            JsonNode rpc = tree == null ? null : tree.path("jsonRpcError");
            if (rpc != null && rpc.isObject()) {
                code = rpc.path("code").asInt(code);
                message = rpc.path("message").asText(null);
            } else if (tree != null && tree.path("message").isTextual()) {
                message = tree.path("message").asText();
            }
        } catch (IOException e) {
            // not JSON: replaced by the generic message below
        }
        if (message == null || message.contains("\tat ") || message.contains("Exception")) {
            message = "HTTP " + status;
        }
        try {
            return JSON.writeValueAsBytes(body(id, code, message));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
