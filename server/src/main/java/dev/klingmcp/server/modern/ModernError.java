package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A JSON-RPC error of the modern lane, with the HTTP status the Streamable HTTP transport sends it with (stdio ignores
 * the status).
 */
public final class ModernError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int code;

    private final transient JsonNode data;

    private final int httpStatus;

    public ModernError(int code, String message, JsonNode data, int httpStatus) {
        super(message, null, false, false);
        this.code = code;
        this.data = data;
        this.httpStatus = httpStatus;
    }

    public static ModernError invalidParams(String message) {
        return new ModernError(ModernProtocol.INVALID_PARAMS, message, null, 400);
    }

    /** Invalid params found while serving (unknown tool, bad cursor): a normal answer, not a transport problem. */
    public static ModernError invalidParams(String message, JsonNode data) {
        return new ModernError(ModernProtocol.INVALID_PARAMS, message, data, 200);
    }

    public static ModernError headerMismatch(String message) {
        return new ModernError(ModernProtocol.HEADER_MISMATCH, message, null, 400);
    }

    public static ModernError methodNotFound(String method) {
        return new ModernError(ModernProtocol.METHOD_NOT_FOUND, "Method not found: " + method, null, 404);
    }

    public int code() {
        return code;
    }

    public JsonNode data() {
        return data;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
