package dev.klingmcp.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.server.auth.Authenticator;
import dev.klingmcp.server.auth.InvalidTokenException;
import dev.klingmcp.server.auth.Principal;
import dev.klingmcp.server.auth.Scopes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Bearer-token authorization of the front door: the protected-resource metadata document, 401 with
 * {@code WWW-Authenticate: Bearer resource_metadata="…"} for a missing or invalid token, and 403
 * {@code insufficient_scope} for a call the token's scopes do not cover.
 */
final class BearerGate {

    private final Authenticator authenticator;

    private final Supplier<ResourceMetadata> metadata;

    /**
     * @param authenticator null when authorization is off (loopback only)
     * @param metadata      the resource metadata (its URL is known only once the listener is bound)
     */
    BearerGate(Authenticator authenticator, Supplier<ResourceMetadata> metadata) {
        this.authenticator = authenticator;
        this.metadata = metadata;
    }

    /** Whether requests need a bearer token. */
    boolean enabled() {
        return authenticator != null;
    }

    /** Whether {@code path} is the metadata document's; built per use (its URL is known once the listener is bound). */
    boolean isMetadata(String path) {
        return path.startsWith(ResourceMetadata.WELL_KNOWN) && metadata.get().matches(path);
    }

    /** The caller's principal, or null after answering 401 (no token, or a token that did not verify). */
    Principal authenticate(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            ResourceMetadata md = metadata.get();
            response.setHeader("WWW-Authenticate", "Bearer resource_metadata=\"" + md.url() + "\"");
            JsonErrors.send(
                    response,
                    HttpServletResponse.SC_UNAUTHORIZED,
                    null,
                    "authorization required: send Authorization: Bearer <token> (see " + md.url() + ")");
            return null;
        }
        try {
            return authenticator.authenticate(header.substring(7).strip());
        } catch (InvalidTokenException e) {
            String reason = e.getMessage().replace('"', '\'');
            ResourceMetadata md = metadata.get();
            response.setHeader(
                    "WWW-Authenticate",
                    "Bearer error=\"invalid_token\", error_description=\"" + reason + "\", resource_metadata=\""
                            + md.url() + "\"");
            JsonErrors.send(response, HttpServletResponse.SC_UNAUTHORIZED, null, "invalid token: " + reason);
            return null;
        }
    }

    /** Answers 403 {@code insufficient_scope}, naming the scope needed and the ones the token grants. */
    void insufficientScope(HttpServletResponse response, JsonNode id, String needed, Principal principal)
            throws IOException {
        response.setHeader(
                "WWW-Authenticate",
                "Bearer error=\"insufficient_scope\", scope=\"" + needed + "\", resource_metadata=\""
                        + metadata.get().url() + "\"");
        JsonErrors.send(
                response,
                HttpServletResponse.SC_FORBIDDEN,
                id,
                "insufficient_scope: this call needs the scope " + needed + "; the token grants "
                        + (principal.scopes().isEmpty() ? "none" : String.join(" ", principal.scopes())));
    }

    /** Serves the protected-resource metadata document (GET only). */
    void serveMetadata(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"GET".equals(request.getMethod())) {
            response.setHeader("Allow", "GET");
            JsonErrors.send(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, null, "only GET is served here");
            return;
        }
        byte[] bytes = JsonErrors.JSON.writeValueAsBytes(metadata.get().document());
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "max-age=3600");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** {@code video:generate} when any request in the body needs it, else {@code video:read}. */
    static String requiredScope(JsonNode message) {
        if (message == null) {
            return Scopes.READ;
        }
        List<JsonNode> all = new ArrayList<>();
        if (message.isArray()) {
            message.forEach(all::add);
        } else {
            all.add(message);
        }
        for (JsonNode m : all) {
            String method = m.path("method").asText(null);
            String tool = m.path("params").path("name").asText(null);
            if (Scopes.GENERATE.equals(Scopes.required(method, tool))) {
                return Scopes.GENERATE;
            }
        }
        return Scopes.READ;
    }
}
