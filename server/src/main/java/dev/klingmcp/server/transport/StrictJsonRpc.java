package dev.klingmcp.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The checks the MCP SDK leaves out, made on each inbound message before the SDK sees it: JSON-RPC 2.0 framing
 * ({@code "jsonrpc": "2.0"} exactly), one {@code initialize} per session, log levels from the MCP list, and
 * subscriptions only to resources this server has ({@code kling://jobs/{job_id}}). The SDK accepts all of these and
 * stores what it is given (a 100 KB subscription URI, {@code file:///etc/passwd}).
 *
 * <p>One instance per session; thread-safe.
 */
public final class StrictJsonRpc {

    /** A refusal: the JSON-RPC error to answer with. */
    public record Refusal(int code, String message) {}

    public static final int INVALID_REQUEST = -32600;
    public static final int INVALID_PARAMS = -32602;

    /** MCP's log levels (RFC 5424 severities), as {@code logging/setLevel} takes them. */
    static final List<String> LEVELS =
            List.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");

    /** The only resources served: one per job. The id part is as long as any job id we hand out, and plain. */
    static final Pattern JOB_URI = Pattern.compile("kling://jobs/[A-Za-z0-9._-]{1,200}");

    private boolean initialized;

    /** A checker for a new session, or for one the transport already initialized (HTTP requests with a session id). */
    public StrictJsonRpc(boolean initialized) {
        this.initialized = initialized;
    }

    /** Null when the message may go on to the SDK, else why not. */
    public synchronized Refusal check(JsonNode message) {
        if (message == null || !message.isObject()) {
            return null; // framing errors are the transport's own (-32700 / -32600)
        }
        JsonNode version = message.get("jsonrpc");
        if (version == null || !version.isTextual() || !"2.0".equals(version.asText())) {
            return new Refusal(
                    INVALID_REQUEST,
                    "Invalid Request: \"jsonrpc\" must be the string \"2.0\", got "
                            + (version == null ? "nothing" : shorten(version.toString())));
        }
        JsonNode method = message.get("method");
        if (method == null || !method.isTextual()) {
            return null; // a response from the client
        }
        JsonNode params = message.path("params");
        switch (method.asText()) {
            case "initialize" -> {
                if (initialized) {
                    return new Refusal(
                            INVALID_REQUEST,
                            "Invalid Request: this session is already initialized; start a new session to initialize"
                                    + " again");
                }
                initialized = true;
                return null;
            }
            case "logging/setLevel" -> {
                JsonNode level = params.get("level");
                if (level == null || !level.isTextual() || !LEVELS.contains(level.asText())) {
                    return new Refusal(
                            INVALID_PARAMS,
                            "Invalid params: \"level\" must be one of " + String.join(", ", LEVELS) + ", got "
                                    + (level == null ? "nothing" : shorten(level.toString())));
                }
                return null;
            }
            case "resources/subscribe", "resources/unsubscribe" -> {
                JsonNode uri = params.get("uri");
                if (uri == null
                        || !uri.isTextual()
                        || !JOB_URI.matcher(uri.asText()).matches()) {
                    return new Refusal(
                            INVALID_PARAMS,
                            "Invalid params: this server serves only kling://jobs/{job_id} resources, got "
                                    + (uri == null ? "no uri" : shorten(uri.toString())));
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    private static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }
}
