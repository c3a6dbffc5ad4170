package dev.klingmcp.server.modern;

import java.util.List;
import java.util.Set;

/**
 * Names and numbers of the stateless MCP revision (2026-07-28): the {@code _meta} keys every request carries, result
 * types, error codes, and the methods the revision removed.
 */
public final class ModernProtocol {

    /** The stateless revision this package serves. */
    public static final String VERSION = "2026-07-28";

    /** The revisions the SDK lane serves through {@code initialize}. */
    public static final List<String> LEGACY_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

    /** What {@code server/discover} and an unsupported-version error name: the modern revision first, then legacy. */
    public static final List<String> SUPPORTED_VERSIONS = List.of(VERSION, "2025-11-25");

    public static final String META = "_meta";
    public static final String PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    public static final String CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    public static final String CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    public static final String LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    public static final String SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    public static final String SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";
    public static final String TASKS_EXTENSION = "io.modelcontextprotocol/tasks";

    public static final String COMPLETE = "complete";
    public static final String INPUT_REQUIRED = "input_required";
    public static final String TASK = "task";

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    public static final int HEADER_MISMATCH = -32020;
    public static final int MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    /** Gone from this revision: answered as unknown methods. */
    public static final Set<String> REMOVED_METHODS = Set.of(
            "initialize",
            "ping",
            "logging/setLevel",
            "resources/subscribe",
            "resources/unsubscribe",
            "tasks/result",
            "tasks/list");

    private ModernProtocol() {}

    /** True when {@code version} is one the SDK lane negotiates through {@code initialize}. */
    public static boolean isLegacy(String version) {
        return LEGACY_VERSIONS.contains(version);
    }
}
