package dev.klingmcp.server.auth;

import java.util.Objects;
import java.util.Set;

/**
 * Who made a request over HTTP: the token's subject and the scopes it grants. Jobs are recorded under the subject and
 * only that subject sees them again.
 */
public record Principal(String subject, Set<String> scopes) {

    /** Where transports leave the verified principal: HTTP request attribute and MCP transport-context key. */
    public static final String CONTEXT_KEY = "kling-mcp.principal";

    public Principal {
        Objects.requireNonNull(subject, "subject");
        scopes = Set.copyOf(scopes);
    }

    /** Whether the token grants {@code scope}; {@code video:generate} includes {@code video:read} (see {@link Scopes}). */
    public boolean allows(String scope) {
        return scopes.contains(scope) || (Scopes.READ.equals(scope) && scopes.contains(Scopes.GENERATE));
    }
}
