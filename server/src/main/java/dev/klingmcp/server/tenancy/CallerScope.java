package dev.klingmcp.server.tenancy;

import dev.klingmcp.server.auth.Principal;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import java.util.function.Supplier;

/**
 * The principal an MCP handler is serving, for the duration of that handler. The SDK hands each handler its exchange
 * (whose transport context holds the principal the HTTP front verified) but the job service below the tools has no
 * exchange; a thread-local set around the synchronous handler carries it there without threading a parameter through
 * every tool. Handlers run on one thread from start to end, so the value never leaks into another call.
 */
public final class CallerScope {

    private static final ThreadLocal<Principal> CURRENT = new ThreadLocal<>();

    private CallerScope() {}

    /** The principal of the running handler, or null without authorization (stdio, loopback HTTP). */
    public static Principal current() {
        return CURRENT.get();
    }

    /** Runs {@code body} as the principal in {@code exchange}'s transport context (none: unscoped). */
    public static <T> T run(McpSyncServerExchange exchange, Supplier<T> body) {
        Object p = exchange == null || exchange.transportContext() == null
                ? null
                : exchange.transportContext().get(Principal.CONTEXT_KEY);
        return run(p instanceof Principal principal ? principal : null, body);
    }

    public static <T> T run(Principal principal, Supplier<T> body) {
        Principal previous = CURRENT.get();
        CURRENT.set(principal);
        try {
            return body.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
