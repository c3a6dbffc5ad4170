package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.auth.Principal;
import dev.klingmcp.server.budget.InputRequiredException;
import dev.klingmcp.server.budget.MrtrContext;
import dev.klingmcp.server.budget.RequestStateException;
import dev.klingmcp.server.http.McpFrontFilter;
import dev.klingmcp.server.mcp.ServerFeatures;
import dev.klingmcp.server.requests.ToolCallArguments;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.ClientCapabilities;
import io.modelcontextprotocol.spec.McpSchema.CompleteRequest;
import io.modelcontextprotocol.spec.McpSchema.GetPromptRequest;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Calls the shared SDK-typed handlers for a modern request: builds the exchange they expect (backed by the request's
 * own stream, its declared capabilities and log level, and its multi-round-trip answers) and converts between the wire
 * JSON and the SDK's records.
 */
final class ModernCalls {

    private static final ClientCapabilities NO_CAPABILITIES =
            ClientCapabilities.builder().build();

    /**
     * Capabilities a client declared before, as the SDK's record: a client declares the same ones on every request of
     * the stateless revision, so each set is converted once. Bounded: past the bound, sets are converted per request.
     */
    private static final Map<ObjectNode, ClientCapabilities> KNOWN_CAPABILITIES = new ConcurrentHashMap<>();

    private static final int MAX_KNOWN_CAPABILITIES = 256;

    private final ServerFeatures features;

    private final List<Pattern> templatePatterns;

    /** The tools by name (the list is fixed when the server is built): a call looks its tool up once, no stream. */
    private final Map<String, SyncToolSpecification> toolsByName;

    ModernCalls(ServerFeatures features) {
        this.features = features;
        Map<String, SyncToolSpecification> byName = new HashMap<>();
        features.tools().forEach(t -> byName.putIfAbsent(t.tool().name(), t));
        this.toolsByName = Map.copyOf(byName);
        this.templatePatterns = features.templates().stream()
                .map(t -> pattern(t.resourceTemplate().uriTemplate()))
                .toList();
    }

    /** RFC 6570 level 1 only ({@code {name}} matches one path segment): all our templates need. */
    private static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        for (String part : template.split("\\{[^}]+}", -1)) {
            if (!regex.isEmpty()) {
                regex.append("[^/]+");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    McpSyncServerExchange exchange(ModernRequest request) {
        JsonNode responses = request.params().get("inputResponses");
        JsonNode state = request.params().get("requestState");
        Map<String, Object> context = new HashMap<>(request.channel().context());
        Object principal = context.get(McpFrontFilter.PRINCIPAL);
        MrtrContext mrtr = new MrtrContext(
                responses != null && responses.isObject() ? responses : null,
                state != null && state.isTextual() ? state.asText() : null,
                request.declaresElicitationForm(),
                principal instanceof Principal p ? p.subject() : null);
        context.put(MrtrContext.KEY, mrtr);
        return new McpSyncServerExchange(new McpAsyncServerExchange(
                "stateless",
                new ModernSession(request.channel(), request.logLevel()),
                capabilities(request.capabilities()),
                clientInfo(request.meta().get(ModernProtocol.CLIENT_INFO)),
                McpTransportContext.create(context)));
    }

    private static ClientCapabilities capabilities(ObjectNode caps) {
        if (caps.isEmpty()) {
            return NO_CAPABILITIES;
        }
        ClientCapabilities known = KNOWN_CAPABILITIES.get(caps);
        if (known != null) {
            return known;
        }
        ObjectNode copy = caps.deepCopy();
        copy.remove("extensions");
        try {
            known = ModernJson.record(copy, ClientCapabilities.class);
        } catch (ModernError e) {
            known = NO_CAPABILITIES;
        }
        if (KNOWN_CAPABILITIES.size() < MAX_KNOWN_CAPABILITIES) {
            KNOWN_CAPABILITIES.put(caps.deepCopy(), known);
        }
        return known;
    }

    private static Implementation clientInfo(JsonNode info) {
        if (info == null || !info.isObject() || !info.path("name").isTextual()) {
            return null;
        }
        return Implementation.builder(
                        info.path("name").asText(), info.path("version").asText(""))
                .build();
    }

    ObjectNode listTools() {
        ObjectNode result = ModernJson.object();
        ArrayNode tools = result.putArray("tools");
        features.tools().forEach(t -> tools.add(ModernJson.tree(t.tool())));
        return result;
    }

    SyncToolSpecification tool(String name) {
        SyncToolSpecification spec = toolsByName.get(name);
        if (spec != null) {
            return spec;
        }
        List<String> names = features.tools().stream().map(t -> t.tool().name()).toList();
        ObjectNode data = ModernJson.object().put("name", name);
        names.forEach(data.putArray("tools")::add);
        throw ModernError.invalidParams(
                "Unknown tool: " + name + ". This server's tools are: " + String.join(", ", names), data);
    }

    /** Runs a tool; {@code input_required} comes back as such, a bad {@code requestState} as -32602. */
    ObjectNode callTool(ModernRequest request, McpSyncServerExchange exchange) {
        String name = request.params().path("name").asText(null);
        if (name == null) {
            throw ModernError.invalidParams("params.name (the tool) is required", null);
        }
        SyncToolSpecification spec = tool(name);
        JsonNode arguments = request.params().get("arguments");
        String shape = ToolCallArguments.problem(arguments);
        if (shape != null) {
            throw ModernError.invalidParams(shape, null);
        }
        CallToolRequest call = new CallToolRequest(
                name,
                arguments != null && arguments.isObject() ? ModernJson.plain((ObjectNode) arguments) : new HashMap<>(),
                request.meta() instanceof ObjectNode meta ? ModernJson.plain(meta) : null);
        try {
            return ModernJson.toolResult(spec.callHandler().apply(exchange, call));
        } catch (InputRequiredException e) {
            ObjectNode result = ModernJson.object().put("resultType", ModernProtocol.INPUT_REQUIRED);
            result.set("inputRequests", e.inputRequests());
            result.put("requestState", e.requestState());
            return result;
        } catch (RequestStateException e) {
            throw ModernError.invalidParams(e.getMessage(), null);
        }
    }

    ObjectNode listTemplates() {
        ObjectNode result = ModernJson.object();
        ArrayNode list = result.putArray("resourceTemplates");
        features.templates().forEach(t -> list.add(ModernJson.tree(t.resourceTemplate())));
        return result;
    }

    ObjectNode readResource(ModernRequest request) {
        String uri = request.params().path("uri").asText(null);
        if (uri == null) {
            throw ModernError.invalidParams("params.uri is required", null);
        }
        for (int i = 0; i < templatePatterns.size(); i++) {
            if (templatePatterns.get(i).matcher(uri).matches()) {
                SyncResourceTemplateSpecification spec = features.templates().get(i);
                try {
                    return (ObjectNode) ModernJson.tree(spec.readHandler()
                            .apply(exchange(request), new ReadResourceRequest(uri, metaMap(request))));
                } catch (McpError e) {
                    throw notFoundOr(e, uri);
                }
            }
        }
        throw resourceNotFound(uri);
    }

    private static ModernError notFoundOr(McpError e, String uri) {
        McpSchema.JSONRPCResponse.JSONRPCError error = e.getJsonRpcError();
        if (error != null && error.code() == McpSchema.ErrorCodes.RESOURCE_NOT_FOUND) {
            return resourceNotFound(uri);
        }
        return new ModernError(
                error == null ? ModernProtocol.INTERNAL_ERROR : error.code(),
                e.getMessage(),
                error == null || error.data() == null ? null : ModernJson.tree(error.data()),
                200);
    }

    private static ModernError resourceNotFound(String uri) {
        return ModernError.invalidParams(
                "Resource not found: " + uri, ModernJson.object().put("uri", uri));
    }

    ObjectNode listPrompts() {
        ObjectNode result = ModernJson.object();
        ArrayNode list = result.putArray("prompts");
        features.prompts().forEach(p -> list.add(ModernJson.tree(p.prompt())));
        return result;
    }

    ObjectNode getPrompt(ModernRequest request) {
        String name = request.params().path("name").asText(null);
        SyncPromptSpecification spec = features.prompts().stream()
                .filter(p -> p.prompt().name().equals(name))
                .findFirst()
                .orElseThrow(() -> ModernError.invalidParams(
                        "Unknown prompt: " + name, ModernJson.object().put("name", name)));
        GetPromptRequest get = ModernJson.record(request.params(), GetPromptRequest.class);
        try {
            return (ObjectNode) ModernJson.tree(spec.promptHandler().apply(exchange(request), get));
        } catch (McpError e) {
            throw notFoundOr(e, name);
        }
    }

    ObjectNode complete(ModernRequest request) {
        JsonNode ref = request.params().path("ref");
        String type = ref.path("type").asText();
        String id = "ref/prompt".equals(type)
                ? ref.path("name").asText()
                : ref.path("uri").asText();
        CompleteRequest complete = ModernJson.record(request.params(), CompleteRequest.class);
        for (SyncCompletionSpecification spec : features.completions()) {
            if (spec.referenceKey().type().equals(type) && id.equals(referenceId(spec.referenceKey()))) {
                return (ObjectNode) ModernJson.tree(spec.completionHandler().apply(exchange(request), complete));
            }
        }
        ObjectNode result = ModernJson.object();
        result.putObject("completion").put("total", 0).put("hasMore", false).putArray("values");
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metaMap(ModernRequest request) {
        return ModernJson.MAPPER.convertValue(request.meta(), Map.class);
    }

    /** A prompt's name or a resource template's URI: what a completion reference names. */
    private static String referenceId(McpSchema.CompleteReference ref) {
        if (ref instanceof McpSchema.PromptReference prompt) {
            return prompt.name();
        }
        return ref instanceof McpSchema.ResourceReference resource ? resource.uri() : null;
    }
}
