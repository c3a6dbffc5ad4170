package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpLoggableSession;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import reactor.core.publisher.Mono;

/**
 * What the SDK-typed handlers see as their session when a modern request calls them: notifications go to the
 * request's own {@link ModernChannel}; log messages only at or above the level the request's {@code _meta} asked for
 * (none when it asked for none); server-to-client requests do not exist in this revision, so they fail.
 */
final class ModernSession implements McpLoggableSession {

    private final ModernChannel channel;

    private final LoggingLevel minLevel;

    /** @param minLevel the request's {@code io.modelcontextprotocol/logLevel}, or null for no log messages at all */
    ModernSession(ModernChannel channel, LoggingLevel minLevel) {
        this.channel = channel;
        this.minLevel = minLevel;
    }

    @Override
    public <T> Mono<T> sendRequest(String method, Object requestParams, TypeRef<T> typeRef) {
        return Mono.error(new IllegalStateException("server-to-client requests (" + method
                + ") do not exist in protocol revision " + ModernProtocol.VERSION + "; use input_required"));
    }

    @Override
    public Mono<Void> sendNotification(String method, Object params) {
        return Mono.fromRunnable(() -> {
            ObjectNode n = ModernJson.object().put("jsonrpc", "2.0").put("method", method);
            if (params != null) {
                n.set("params", ModernJson.tree(params));
            }
            channel.send(n);
        });
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.empty();
    }

    @Override
    public void close() {
        // the request's stream is owned by the transport
    }

    @Override
    public void setMinLoggingLevel(LoggingLevel minLoggingLevel) {
        // the level is per request, from _meta
    }

    @Override
    public boolean isNotificationForLevelAllowed(LoggingLevel loggingLevel) {
        return minLevel != null && loggingLevel.level() >= minLevel.level();
    }
}
