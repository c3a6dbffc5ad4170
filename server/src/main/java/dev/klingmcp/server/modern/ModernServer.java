package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.mcp.ServerFeatures;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateless lane (protocol revision 2026-07-28): checks each request's envelope ({@code _meta} version and client
 * capabilities; on HTTP also the routing headers), dispatches it to the same handlers the SDK lane uses, and stamps
 * every result with {@code resultType} and the server's identity. Holds no per-client state: any process sharing the
 * ledger answers any request.
 */
public final class ModernServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModernServer.class);

    /** Lists and discovery do not change while the server runs: an hour, shareable between users. */
    static final long STATIC_TTL_MS = 3_600_000;

    private static final Set<String> METHODS = Set.of(
            "server/discover",
            "tools/list",
            "tools/call",
            "resources/list",
            "resources/templates/list",
            "resources/read",
            "prompts/list",
            "prompts/get",
            "completion/complete",
            "subscriptions/listen",
            "tasks/get",
            "tasks/update",
            "tasks/cancel");

    private final ServerFeatures features;

    private final ModernCalls calls;

    private final ModernTasks tasks;

    private final ModernListen listen;

    public ModernServer(ServerFeatures features, JobService jobs, UnaryOperator<String> redactor) {
        this.features = features;
        this.calls = new ModernCalls(features);
        this.tasks = new ModernTasks(jobs, calls, redactor);
        this.listen = new ModernListen(features.watcher());
    }

    /** True when a request belongs to this lane: it carries a {@code _meta} protocol version or is a discovery. */
    public static boolean isModern(JsonNode message) {
        return "server/discover".equals(message.path("method").asText())
                || message.path("params").path(ModernProtocol.META).has(ModernProtocol.PROTOCOL_VERSION);
    }

    /**
     * Answers one request (never throws).
     *
     * @param message the JSON-RPC request
     * @param channel where notifications about it go
     * @param headers HTTP header lookup (case-insensitive), or null on stdio
     * @return the response, or null when the request ended without one (a listen the client closed)
     */
    public Reply handle(ObjectNode message, ModernChannel channel, UnaryOperator<String> headers) {
        JsonNode id = message.get("id");
        try {
            ObjectNode result = dispatch(message, channel, headers);
            return result == null ? null : new Reply(success(id, result), 200);
        } catch (ModernError e) {
            return new Reply(error(id, e.code(), e.getMessage(), e.data()), e.httpStatus());
        } catch (RuntimeException e) {
            log.error("modern {} failed", message.path("method").asText(), e);
            return new Reply(error(id, ModernProtocol.INTERNAL_ERROR, "internal error: " + e, null), 500);
        }
    }

    private ObjectNode dispatch(ObjectNode message, ModernChannel channel, UnaryOperator<String> headers) {
        String method = message.path("method").asText("");
        if (channel.kind() == ModernChannel.Kind.STDIO && "initialize".equals(method)) {
            // This connection speaks the stateless revision; name what we support so the client can choose.
            throw unsupported(message.path("params").path("protocolVersion").asText(null));
        }
        if (!METHODS.contains(method)) {
            throw ModernError.methodNotFound(method);
        }
        ModernRequest request = envelope(message, channel);
        if (headers != null) {
            HeaderCheck.check(message, request, headers);
        }
        String version = request.meta().path(ModernProtocol.PROTOCOL_VERSION).asText();
        if (!ModernProtocol.VERSION.equals(version)) {
            throw unsupported(version);
        }
        ObjectNode result =
                switch (method) {
                    case "server/discover" -> discover();
                    case "tools/list" -> cacheable(calls.listTools(), true);
                    case "tools/call" -> tasks.callTool(request);
                    case "resources/list" -> cacheable(
                            ModernJson.object().set("resources", ModernJson.MAPPER.createArrayNode()), true);
                    case "resources/templates/list" -> cacheable(calls.listTemplates(), true);
                    case "resources/read" -> cacheableAt(calls.readResource(request), 0, false);
                    case "prompts/list" -> cacheable(calls.listPrompts(), true);
                    case "prompts/get" -> calls.getPrompt(request);
                    case "completion/complete" -> calls.complete(request);
                    case "subscriptions/listen" -> listen.listen(request);
                    case "tasks/get" -> tasks.get(request);
                    case "tasks/update" -> tasks.update(request);
                    case "tasks/cancel" -> tasks.cancel(request);
                    default -> throw ModernError.methodNotFound(method);
                };
        return result == null ? null : stamp(result);
    }

    private ModernRequest envelope(ObjectNode message, ModernChannel channel) {
        if (!message.has("id") || message.get("id").isNull()) {
            throw new ModernError(ModernProtocol.INVALID_REQUEST, "a request needs an id", null, 400);
        }
        JsonNode params = message.get("params");
        if (params == null || !params.isObject()) {
            throw ModernError.invalidParams("params._meta is required in protocol revision " + ModernProtocol.VERSION
                    + " (io.modelcontextprotocol/protocolVersion and io.modelcontextprotocol/clientCapabilities)");
        }
        JsonNode meta = params.get(ModernProtocol.META);
        if (meta == null || !meta.isObject()) {
            throw ModernError.invalidParams("params._meta is required (io.modelcontextprotocol/protocolVersion and "
                    + "io.modelcontextprotocol/clientCapabilities)");
        }
        if (!meta.path(ModernProtocol.PROTOCOL_VERSION).isTextual()) {
            throw ModernError.invalidParams("params._meta[\"" + ModernProtocol.PROTOCOL_VERSION + "\"] is required");
        }
        JsonNode caps = meta.get(ModernProtocol.CLIENT_CAPABILITIES);
        if (caps == null || !caps.isObject()) {
            throw ModernError.invalidParams("params._meta[\"" + ModernProtocol.CLIENT_CAPABILITIES
                    + "\"] is required (an object; {} declares none)");
        }
        LoggingLevel level = null;
        JsonNode levelNode = meta.get(ModernProtocol.LOG_LEVEL);
        if (levelNode != null && !levelNode.isNull()) {
            level = logLevel(levelNode.asText());
        }
        return new ModernRequest(
                message.get("id"),
                message.path("method").asText(),
                (ObjectNode) params,
                (ObjectNode) caps,
                level,
                channel);
    }

    private static LoggingLevel logLevel(String name) {
        for (LoggingLevel l : LoggingLevel.values()) {
            if (l.name().toLowerCase(Locale.ROOT).equals(name)) {
                return l;
            }
        }
        throw ModernError.invalidParams("unknown log level '" + name
                + "'; allowed: debug, info, notice, warning, error, critical, alert, emergency");
    }

    static ModernError unsupported(String requested) {
        ObjectNode data = ModernJson.object();
        data.putArray("supported").add(ModernProtocol.VERSION);
        if (requested == null) {
            data.putNull("requested");
        } else {
            data.put("requested", requested);
        }
        return new ModernError(
                ModernProtocol.UNSUPPORTED_PROTOCOL_VERSION,
                "Unsupported protocol version " + requested + "; supported: " + ModernProtocol.VERSION
                        + " (and 2025-11-25 through initialize)",
                data,
                400);
    }

    private ObjectNode discover() {
        ObjectNode result = ModernJson.object();
        ArrayNode versions = result.putArray("supportedVersions");
        ModernProtocol.SUPPORTED_VERSIONS.forEach(versions::add);
        ObjectNode caps = result.putObject("capabilities");
        caps.putObject("tools").put("listChanged", false);
        caps.putObject("resources").put("subscribe", true).put("listChanged", false);
        caps.putObject("prompts").put("listChanged", false);
        caps.putObject("completions");
        caps.putObject("logging");
        caps.putObject("extensions").putObject(ModernProtocol.TASKS_EXTENSION);
        result.put("instructions", features.instructions());
        return cacheable(result, true);
    }

    private static ObjectNode cacheable(ObjectNode result, boolean shared) {
        return cacheableAt(result, STATIC_TTL_MS, shared);
    }

    private static ObjectNode cacheableAt(ObjectNode result, long ttlMs, boolean shared) {
        result.put("ttlMs", ttlMs);
        result.put("cacheScope", shared ? "public" : "private");
        return result;
    }

    /** {@code resultType} (complete unless set) and the server's identity in {@code _meta}. */
    private ObjectNode stamp(ObjectNode result) {
        if (!result.has("resultType")) {
            result.put("resultType", ModernProtocol.COMPLETE);
        }
        JsonNode meta = result.get(ModernProtocol.META);
        ObjectNode m = meta instanceof ObjectNode o ? o : result.putObject(ModernProtocol.META);
        m.putObject(ModernProtocol.SERVER_INFO).put("name", features.name()).put("version", features.version());
        return result;
    }

    static ObjectNode success(JsonNode id, ObjectNode result) {
        ObjectNode r = ModernJson.object().put("jsonrpc", "2.0");
        r.set("id", id);
        r.set("result", result);
        return r;
    }

    /** A JSON-RPC error response; {@code id} may be null (then {@code "id": null}, as JSON-RPC requires). */
    public static ObjectNode error(JsonNode id, int code, String message, JsonNode data) {
        ObjectNode r = ModernJson.object().put("jsonrpc", "2.0");
        r.set("id", id == null ? ModernJson.MAPPER.nullNode() : id);
        ObjectNode e = r.putObject("error").put("code", code).put("message", message);
        if (data != null) {
            e.set("data", data);
        }
        return r;
    }

    /** Ends open subscription streams (each gets its graceful closing answer). */
    @Override
    public void close() {
        listen.close();
    }

    /**
     * A response and the HTTP status to send it with.
     *
     * @param message    the JSON-RPC response
     * @param httpStatus 200 for results and in-band errors; 400/404 for envelope and routing errors
     */
    public record Reply(ObjectNode message, int httpStatus) {}
}
