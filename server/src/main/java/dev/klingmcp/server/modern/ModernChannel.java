package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The response stream of one modern request: notifications about this request only (progress, logs, subscription
 * updates) go here before the final answer. On HTTP it is the POST's own response (switched to SSE at the first
 * notification); on stdio it is the shared stdout, each message tagged by what it answers.
 */
public interface ModernChannel {

    /** Which transport carries the request: header checks apply to HTTP only. */
    enum Kind {
        STDIO,
        HTTP
    }

    Kind kind();

    /** Sends one notification; false when the client is gone (the request should stop). */
    boolean send(ObjectNode notification);

    /** True while the client still waits for this request's answer. */
    boolean open();

    /** Proves the stream is still alive (an SSE comment on HTTP); false when the client is gone. */
    boolean keepAlive();

    /** What the transport knows about the caller (the authorized principal on HTTP), for the handlers' context. */
    default Map<String, Object> context() {
        return Map.of();
    }
}
