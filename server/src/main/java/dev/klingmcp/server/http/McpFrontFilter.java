package dev.klingmcp.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.server.auth.Authenticator;
import dev.klingmcp.server.auth.Principal;
import dev.klingmcp.server.config.HttpSettings;
import dev.klingmcp.server.modern.ModernProtocol;
import dev.klingmcp.server.modern.ModernServer;
import dev.klingmcp.server.requests.LegacyFront;
import dev.klingmcp.server.requests.UnknownTools;
import dev.klingmcp.server.transport.StrictJsonRpc;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door of every HTTP request, whatever lane serves it afterwards: the protected-resource metadata, the body
 * size limit (413), bearer-token authorization (401 with {@code WWW-Authenticate: Bearer resource_metadata="…"}) and
 * scopes (403 {@code insufficient_scope}, decided from the JSON-RPC method and tool name in the body), the cap on open
 * legacy sessions (503), sessions bound to the principal that opened them, and clean JSON error bodies.
 *
 * <p>The verified principal is left in the request attribute {@link #PRINCIPAL}; transports copy it into the MCP
 * transport context under the same name, where tools find it.
 */
public final class McpFrontFilter extends HttpFilter {

    /** Request attribute and MCP transport-context key holding the {@link Principal}. */
    public static final String PRINCIPAL = Principal.CONTEXT_KEY;

    /** Request attribute holding a POST's body (byte[]) as read here, so filters behind this one need not read it. */
    public static final String BODY = "dev.klingmcp.http.body";

    /** Request attribute holding the POST body parsed as JSON ({@link JsonNode}), when it is JSON at all. */
    public static final String MESSAGE = "dev.klingmcp.http.message";

    private static final long serialVersionUID = 1L;

    private static final Logger log = LoggerFactory.getLogger(McpFrontFilter.class);

    private static final String SESSION_HEADER = "Mcp-Session-Id";

    private final transient BearerGate gate;

    private final long maxBodyBytes;

    private final int maxSessions;

    private final transient IntSupplier openSessions;

    private final transient SessionOwners owners;

    private transient volatile BiConsumer<Principal, JsonNode> observer = (p, m) -> {};

    private transient volatile UnknownTools unknownTools;

    /** Paths that authenticate their callers themselves (fal's signed webhooks): no bearer token, no scope. */
    private final transient Set<String> openPaths = ConcurrentHashMap.newKeySet();

    /**
     * @param openSessions how many legacy sessions the SDK holds now
     */
    private McpFrontFilter(
            BearerGate gate, long maxBodyBytes, int maxSessions, IntSupplier openSessions, SessionOwners owners) {
        this.gate = gate;
        this.maxBodyBytes = maxBodyBytes;
        this.maxSessions = maxSessions;
        this.openSessions = openSessions;
        this.owners = owners;
    }

    /**
     * The filter in front of the MCP endpoint.
     *
     * @param authenticator null when authorization is off (loopback only)
     * @param resourceUrl   the MCP endpoint's resource URL (known once the listener is bound)
     * @param openSessions  how many legacy sessions the transport holds now
     */
    public static McpFrontFilter create(
            HttpSettings settings, Authenticator authenticator, Supplier<URI> resourceUrl, IntSupplier openSessions) {
        List<String> issuers = settings.auth().issuer() == null
                ? List.of()
                : List.of(settings.auth().issuer().toString());
        return new McpFrontFilter(
                new BearerGate(authenticator, () -> new ResourceMetadata(resourceUrl.get(), issuers)),
                settings.maxBodyBytes(),
                settings.maxSessions(),
                openSessions,
                new SessionOwners(settings.sessionIdle(), Clock.systemUTC()));
    }

    /** Lets requests to {@code path} through without a bearer token; the servlet there must authenticate them. */
    public void allowWithoutToken(String path) {
        openPaths.add(path);
    }

    /** Answers a legacy {@code tools/call} of a tool not in {@code tools} itself, listing the tools there are. */
    public void refuseUnknownTools(UnknownTools tools) {
        this.unknownTools = tools;
    }

    /** Sees every JSON-RPC message that passed authorization, after it was served (e.g. to follow subscriptions). */
    public void observe(BiConsumer<Principal, JsonNode> observer) {
        this.observer = observer;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getRequestURI();
        // Built per use (its URL is known once the listener is bound): only for a path that can be the document.
        if (gate.isMetadata(path)) {
            gate.serveMetadata(request, response);
            return;
        }
        if (request.getContentLengthLong() > maxBodyBytes) {
            tooLarge(response, request.getContentLengthLong());
            return;
        }
        if (openPaths.contains(path)) {
            GuardedResponse guarded = new GuardedResponse(response);
            chain.doFilter(request, guarded);
            guarded.finish(null);
            return;
        }
        Principal principal = null;
        if (gate.enabled()) {
            principal = gate.authenticate(request, response);
            if (principal == null) {
                return;
            }
        }
        byte[] body = null;
        JsonNode message = null;
        if ("POST".equals(request.getMethod())) {
            body = readBounded(request.getInputStream(), request.getContentLengthLong());
            if (body == null) {
                tooLarge(response, -1);
                return;
            }
            message = parse(body);
        }
        JsonNode id = message != null && message.isObject() ? message.get("id") : null;
        if (principal != null) {
            String needed = BearerGate.requiredScope(message);
            if (!principal.allows(needed)) {
                gate.insufficientScope(response, id, needed, principal);
                return;
            }
            request.setAttribute(PRINCIPAL, principal);
        }
        String session = request.getHeader(SESSION_HEADER);
        // The legacy lane's strictness (one initialize, its log levels and subscriptions) does not apply to stateless
        // 2026-07-28 requests: their lane answers removed methods itself (404, -32601).
        boolean modern = ModernProtocol.VERSION.equals(request.getHeader("MCP-Protocol-Version"))
                || (message != null && message.isObject() && ModernServer.isModern(message));
        StrictJsonRpc.Refusal refused = modern ? null : strictness(message, session != null);
        if (refused != null) {
            sendRefusal(response, id, refused);
            return;
        }
        if (session != null && !owners.mayUse(session, principal)) {
            // Another principal's session id is treated as unknown: sessions never stand in for authentication.
            JsonErrors.send(response, HttpServletResponse.SC_NOT_FOUND, id, "Session not found");
            return;
        }
        if (session == null && isInitialize(message) && openSessions.getAsInt() >= maxSessions) {
            response.setHeader("Retry-After", "30");
            JsonErrors.send(
                    response,
                    HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    id,
                    "too many open sessions (" + maxSessions + ", http.max-sessions); retry later");
            return;
        }
        boolean cancellable = false;
        if (!modern && session != null) {
            LegacyFront.Outcome front = LegacyFront.inspect("http " + session, message, unknownTools);
            if (front.answer() != null) {
                byte[] bytes = JsonErrors.JSON.writeValueAsBytes(front.answer());
                response.setContentType("application/json");
                response.setCharacterEncoding(StandardCharsets.UTF_8.name());
                response.setContentLength(bytes.length);
                response.getOutputStream().write(bytes);
            } else if (front.consumed()) {
                response.setStatus(HttpServletResponse.SC_ACCEPTED);
            }
            if (front.consumed()) {
                return;
            }
            if (front.marked()) {
                body = JsonErrors.JSON.writeValueAsBytes(message);
                cancellable = true;
            }
        }
        if (body != null) {
            request.setAttribute(BODY, body);
            if (message != null) {
                request.setAttribute(MESSAGE, message);
            }
        }
        GuardedResponse guarded = new GuardedResponse(response);
        if (cancellable) {
            guarded.withholdIfCancelled("http " + session, message.get("id"));
        }
        try {
            chain.doFilter(body == null ? request : new BufferedBodyRequest(request, body), guarded);
        } finally {
            guarded.dispatchEnded();
        }
        guarded.finish(id);
        String opened = response.getHeader(SESSION_HEADER);
        if (session == null && opened != null) {
            owners.opened(opened, principal);
        }
        if (message != null) {
            Principal who = principal;
            JsonNode seen = message;
            if (request.isAsyncStarted()) {
                // Streamed answer: observe it once complete, so a subscription is registered before updates flow.
                request.getAsyncContext().addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        notifyObserver(who, seen);
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) {}

                    @Override
                    public void onError(AsyncEvent event) {}

                    @Override
                    public void onStartAsync(AsyncEvent event) {}
                });
            } else {
                notifyObserver(principal, message);
            }
        }
    }

    /**
     * The JSON-RPC checks the SDK leaves out. A request carrying a session id belongs to an initialized session, so an
     * {@code initialize} there is a second one; without a session id it opens a new session.
     */
    private static StrictJsonRpc.Refusal strictness(JsonNode message, boolean inSession) {
        if (message == null) {
            return null;
        }
        StrictJsonRpc strict = new StrictJsonRpc(inSession);
        if (message.isArray()) {
            for (JsonNode m : message) {
                StrictJsonRpc.Refusal r = m.path("method").isTextual() ? strict.check(m) : null;
                if (r != null) {
                    return r;
                }
            }
            return null;
        }
        // Only requests and notifications: anything else goes on to the SDK, whose origin and session checks
        // answer first (403, 404) and whose parser refuses what is not JSON-RPC at all.
        return message.path("method").isTextual() ? strict.check(message) : null;
    }

    private static void sendRefusal(HttpServletResponse response, JsonNode id, StrictJsonRpc.Refusal refused)
            throws IOException {
        byte[] bytes = JsonErrors.JSON.writeValueAsBytes(JsonErrors.body(id, refused.code(), refused.message()));
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        response.setContentType("application/json");
        response.setCharacterEncoding(java.nio.charset.StandardCharsets.UTF_8.name());
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private void notifyObserver(Principal principal, JsonNode message) {
        if (message.isArray()) {
            for (JsonNode m : message) {
                notifyOne(principal, m);
            }
        } else {
            notifyOne(principal, message);
        }
    }

    private void notifyOne(Principal principal, JsonNode message) {
        try {
            observer.accept(principal, message);
        } catch (RuntimeException e) {
            log.debug("inbound observer failed: {}", e.toString());
        }
    }

    private void tooLarge(HttpServletResponse response, long declared) throws IOException {
        response.setHeader("Connection", "close");
        JsonErrors.send(
                response,
                HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                null,
                "request body " + (declared >= 0 ? "of " + declared + " bytes " : "") + "is larger than the limit of "
                        + maxBodyBytes + " bytes (http.max-body-bytes)");
    }

    /** The body, or null when it is longer than the limit (then the rest is not read). */
    private byte[] readBounded(InputStream in, long contentLength) throws IOException {
        if (contentLength >= 0 && contentLength <= maxBodyBytes) {
            // The usual request says its length: one array of that size (the servlet container never hands over more
            // than the declared length), not an 8 KiB buffer and a growing copy per request.
            byte[] body = new byte[(int) contentLength];
            int n = in.readNBytes(body, 0, body.length);
            return n == body.length ? body : Arrays.copyOf(body, n);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (out.size() > maxBodyBytes) {
                return null;
            }
        }
        return out.toByteArray();
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JsonErrors.JSON.readTree(body);
        } catch (IOException e) {
            return null; // the transport answers malformed JSON with its own parse error
        }
    }

    private static boolean isInitialize(JsonNode message) {
        return message != null && "initialize".equals(message.path("method").asText(null));
    }
}
