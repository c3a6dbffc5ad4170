package dev.klingmcp.mock.queue;

import java.util.Map;

/**
 * fal's documented request-error catalogue: {@code error_type} -> usual HTTP code and a human message.
 * Unknown types are accepted (an injected fault may name a type fal adds later) and map to 500.
 */
public final class FalErrorTypes {

    private record Entry(int httpStatus, String message) {}

    private static final Map<String, Entry> KNOWN = Map.ofEntries(
            Map.entry("request_timeout", new Entry(504, "Request timed out")),
            Map.entry("startup_timeout", new Entry(504, "Runner startup timed out")),
            Map.entry("generation_timeout", new Entry(504, "Generation timed out")),
            Map.entry("runner_scheduling_failure", new Entry(503, "Could not schedule a runner")),
            Map.entry("runner_connection_timeout", new Entry(503, "Timed out connecting to the runner")),
            Map.entry("runner_disconnected", new Entry(503, "Runner disconnected")),
            Map.entry("runner_connection_refused", new Entry(503, "Runner refused the connection")),
            Map.entry("runner_connection_error", new Entry(503, "Error connecting to the runner")),
            Map.entry("runner_incomplete_response", new Entry(502, "Runner returned an incomplete response")),
            Map.entry("runner_server_error", new Entry(500, "Runner server error")),
            Map.entry("downstream_service_unavailable", new Entry(500, "Downstream service unavailable")),
            Map.entry("client_disconnected", new Entry(499, "Client disconnected")),
            Map.entry("client_cancelled", new Entry(499, "Request cancelled by the client")),
            Map.entry("bad_request", new Entry(400, "Bad request")),
            Map.entry("internal_error", new Entry(500, "Internal error")));

    private FalErrorTypes() {}

    public static int httpStatus(String errorType) {
        Entry e = KNOWN.get(errorType);
        return e == null ? 500 : e.httpStatus();
    }

    public static String message(String errorType) {
        Entry e = KNOWN.get(errorType);
        return e == null ? "Request failed (" + errorType + ")" : e.message();
    }
}
