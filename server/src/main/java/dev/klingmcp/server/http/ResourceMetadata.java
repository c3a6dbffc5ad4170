package dev.klingmcp.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.auth.Scopes;
import java.net.URI;
import java.util.List;

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) for the MCP endpoint: which resource this is, which authorization
 * server issues its tokens and which scopes exist. Served at the path-specific well-known URI
 * ({@code /.well-known/oauth-protected-resource/mcp}, the form RFC 9728 prescribes for a resource with a path) and at the
 * root one ({@code /.well-known/oauth-protected-resource}), which clients try when the first is missing.
 */
final class ResourceMetadata {

    static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

    private final URI resource;

    private final List<String> authorizationServers;

    ResourceMetadata(URI resource, List<String> authorizationServers) {
        this.resource = resource;
        this.authorizationServers = List.copyOf(authorizationServers);
    }

    URI resource() {
        return resource;
    }

    /** Whether a request path asks for this document. */
    boolean matches(String path) {
        String resourcePath = resource.getPath() == null ? "" : resource.getPath();
        return WELL_KNOWN.equals(path) || (WELL_KNOWN + resourcePath).equals(path);
    }

    /** The URL of the document, for {@code WWW-Authenticate: Bearer resource_metadata="…"}. */
    String url() {
        String path = resource.getPath() == null || "/".equals(resource.getPath()) ? "" : resource.getPath();
        return resource.getScheme() + "://" + resource.getRawAuthority() + WELL_KNOWN + path;
    }

    ObjectNode document() {
        ObjectNode doc = JsonErrors.JSON.createObjectNode();
        doc.put("resource", resource.toString());
        if (!authorizationServers.isEmpty()) {
            authorizationServers.forEach(doc.putArray("authorization_servers")::add);
        }
        Scopes.ALL.forEach(doc.putArray("scopes_supported")::add);
        doc.putArray("bearer_methods_supported").add("header");
        doc.put("resource_name", "kling-mcp");
        return doc;
    }
}
