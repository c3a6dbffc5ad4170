package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.http.BufferedBodyRequest;
import dev.klingmcp.server.http.McpFrontFilter;
import io.modelcontextprotocol.server.transport.HeaderAccessor;
import io.modelcontextprotocol.server.transport.ServerHttpHeaderValidator;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

/**
 * Sits in front of the SDK's Streamable HTTP servlet and takes the stateless requests: a POST whose
 * {@code MCP-Protocol-Version} header names a non-legacy revision, whose body carries a {@code _meta} protocol version,
 * or that is a {@code server/discover}. Everything else (initialize, session traffic, the GET stream, DELETE) goes on
 * to the SDK unchanged, the body replayed. It runs behind the front filter (authorization, limits); modern requests
 * pass the same Origin/Host guard as the SDK's, and the authorized principal reaches the handlers' context.
 */
public final class ModernHttpFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    /** One JSON-RPC message per POST; the SDK's stdio transport uses the same cap. */
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final transient ServerHttpHeaderValidator security;

    private transient volatile ModernServer server;

    public ModernHttpFilter(ServerHttpHeaderValidator security) {
        this.security = security;
    }

    /** Starts routing modern requests to {@code server} (until then everything goes to the SDK). */
    public void serve(ModernServer server) {
        this.server = server;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        ModernServer modern = server;
        String version = request.getHeader("MCP-Protocol-Version");
        boolean modernHeader = version != null && !ModernProtocol.isLegacy(version.strip());
        if (modern == null) {
            chain.doFilter(request, response);
            return;
        }
        String method = request.getMethod();
        if (!"POST".equals(method)) {
            if (modernHeader && ("GET".equals(method) || "DELETE".equals(method))) {
                // No sessions and no standalone stream in the stateless revision.
                response.setHeader("Allow", "POST");
                response.sendError(405);
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        // The front filter has read and parsed the body already (and handed the request on with its body readable
        // again); only without it is the body read here.
        boolean readAhead = request.getAttribute(McpFrontFilter.BODY) instanceof byte[];
        byte[] body = readAhead ? (byte[]) request.getAttribute(McpFrontFilter.BODY) : read(request.getInputStream());
        if (body == null || body.length > MAX_BODY_BYTES) {
            reply(response, 413, ModernServer.error(null, ModernProtocol.INVALID_REQUEST, "message too large", null));
            return;
        }
        JsonNode message = request.getAttribute(McpFrontFilter.MESSAGE) instanceof JsonNode parsed ? parsed : null;
        if (message == null) {
            try {
                message = ModernJson.MAPPER.readTree(body);
            } catch (IOException e) {
                // handled below
            }
        }
        boolean isModern = modernHeader || (message != null && message.isObject() && ModernServer.isModern(message));
        if (!isModern) {
            chain.doFilter(readAhead ? request : new BufferedBodyRequest(request, body), response);
            return;
        }
        try {
            security.validate(headers(request));
        } catch (ServerTransportSecurityException e) {
            reply(
                    response,
                    e.getStatusCode(),
                    ModernServer.error(null, ModernProtocol.INVALID_REQUEST, e.getMessage(), null));
            return;
        }
        if (message == null) {
            reply(response, 400, ModernServer.error(null, ModernProtocol.PARSE_ERROR, "Parse error: not JSON", null));
            return;
        }
        if (!(message instanceof ObjectNode object) || !message.path("method").isTextual()) {
            if (message.isObject() && (message.has("result") || message.has("error"))) {
                // A response: the stateless revision has no server-to-client requests to answer.
                response.setStatus(202);
                return;
            }
            reply(
                    response,
                    400,
                    ModernServer.error(
                            message.get("id"),
                            ModernProtocol.INVALID_REQUEST,
                            "Invalid Request: expected one JSON-RPC request or notification",
                            null));
            return;
        }
        if (!object.has("id")) {
            // Notifications (e.g. notifications/cancelled) need no answer; closing the stream is how HTTP cancels
            // (ClosedStreamWatch).
            response.setStatus(202);
            return;
        }
        HttpChannel channel =
                new HttpChannel(response, request.getAttribute(McpFrontFilter.PRINCIPAL), request.getHeader("Accept"));
        ClosedStreamWatch watch = ClosedStreamWatch.of(object, channel);
        ModernServer.Reply reply;
        try {
            reply = modern.handle(object, channel, request::getHeader);
        } finally {
            watch.close();
        }
        channel.finish(reply);
    }

    private static void reply(HttpServletResponse response, int status, ObjectNode error) throws IOException {
        byte[] bytes = error.toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** The request's headers as the SDK's validator reads them (the servlet API looks names up case-insensitively). */
    private static HeaderAccessor headers(HttpServletRequest request) {
        return new HeaderAccessor() {
            @Override
            public List<String> getHeader(String name) {
                return Collections.list(request.getHeaders(name));
            }

            @Override
            public List<String> getHeaderNames() {
                return Collections.list(request.getHeaderNames());
            }
        };
    }

    /** The body, or null when it exceeds {@link #MAX_BODY_BYTES}. */
    private static byte[] read(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        return bytes.length > MAX_BODY_BYTES ? null : bytes;
    }
}
