package dev.klingmcp.mock.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A request the mock received, and whether it matched fal's documents.
 *
 * @param seq        1, 2, 3… in arrival order since the start or the last reset
 * @param atMillis   simulated time of arrival, epoch millis
 * @param method     HTTP method
 * @param path       URL path as sent
 * @param query      raw query string, or null
 * @param call       what the mock understood: {@code submit}, {@code sync}, {@code status}, {@code stream},
 *                   {@code result}, {@code cancel}, {@code unknown} (no such path), or {@code other} (storage, CDN,
 *                   JWKS: recorded, not checked)
 * @param endpointId the model endpoint the call addressed, when known
 * @param requestId  the fal request id the call created or named, when known
 * @param status     HTTP status answered; 0 when the connection was closed without an answer
 * @param body       the JSON body of a submit (null otherwise; bodies over 16 KiB are summarised)
 * @param checked    whether the request was checked against the documents (queue and sync calls are)
 * @param violations every difference from the documents; empty when the request matched
 */
public record RecordedRequest(
        long seq,
        long atMillis,
        String method,
        String path,
        String query,
        String call,
        String endpointId,
        String requestId,
        int status,
        JsonNode body,
        boolean checked,
        List<ContractViolation> violations) {

    public RecordedRequest {
        violations = List.copyOf(violations);
    }

    /** True when nothing in the request contradicts the documents. */
    public boolean matched() {
        return violations.isEmpty();
    }

    /** {@code #3 POST /fal-ai/kling-video/o3/pro/reference-to-video -> 200}. */
    public String line() {
        return "#" + seq + " " + method + " " + path + (query == null ? "" : "?" + query) + " -> "
                + (status == 0 ? "no answer" : String.valueOf(status));
    }
}
