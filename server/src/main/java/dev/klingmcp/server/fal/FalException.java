package dev.klingmcp.server.fal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * A fal exchange that failed. The message is already scrubbed of the key and safe to show.
 */
public final class FalException extends RuntimeException {

    public enum Kind {
        /** fal answered with a non-2xx status. */
        HTTP,
        /** The connection was never made (refused, unknown host, connect timeout): fal cannot have seen the request. */
        NOT_CONNECTED,
        /** The connection broke or timed out after the request may have been sent. */
        IO,
        /**
         * fal answered (a 2xx arrived) but the body could not be read as the expected JSON. For a submit this means fal
         * probably accepted the job: never "certainly refused".
         */
        DECODING,
        /** Our own invariants, broken before anything was sent (a request we cannot build...). */
        PROTOCOL
    }

    private final Kind kind;
    private final int status;
    private final String falRequestId;
    private final String timeoutType;
    private final String errorType;
    private final JsonNode body;
    private final Duration retryAfter;

    public FalException(
            Kind kind,
            String message,
            int status,
            String falRequestId,
            String timeoutType,
            String errorType,
            JsonNode body,
            Duration retryAfter,
            Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.falRequestId = falRequestId;
        this.timeoutType = timeoutType;
        this.errorType = errorType;
        this.body = body;
        this.retryAfter = retryAfter;
    }

    public static FalException protocol(String message) {
        return new FalException(Kind.PROTOCOL, message, 0, null, null, null, null, null, null);
    }

    public static FalException decoding(String message) {
        return new FalException(Kind.DECODING, message, 0, null, null, null, null, null, null);
    }

    public Kind kind() {
        return kind;
    }

    /** HTTP status for {@link Kind#HTTP}, else 0. */
    public int status() {
        return status;
    }

    /** The {@code x-fal-request-id} response header: present when the request got past fal's ingress. */
    public String falRequestId() {
        return falRequestId;
    }

    /** {@code X-Fal-Request-Timeout-Type}: fal gave up on purpose; never retried. */
    public String timeoutType() {
        return timeoutType;
    }

    /** {@code error_type} from the body or {@code X-Fal-Error-Type}, or the first 422 detail's {@code type}. */
    public String errorType() {
        return errorType;
    }

    /** The JSON error body, or null when there was none or it was not JSON. */
    public JsonNode body() {
        return body;
    }

    /** {@code Retry-After}, when fal sent one. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** A 422 {@code {"detail": ...}}: the model refused the input. */
    public boolean isValidationError() {
        return kind == Kind.HTTP && status == 422;
    }
}
