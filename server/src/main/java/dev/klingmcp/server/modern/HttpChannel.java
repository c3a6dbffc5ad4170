package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.http.McpFrontFilter;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The response of one modern POST. Plain JSON when the answer is all there is; switched to an SSE stream at the first
 * notification (progress, logs, subscription updates), after which the answer is the stream's last event. Events carry
 * no ids: the stateless revision has no resumability. A failed write means the client closed the stream, which cancels
 * the request. A client whose {@code Accept} header rules out {@code text/event-stream} (the specification asks clients
 * to accept both, but a hand-written one may not) always gets plain JSON: its notifications are dropped and its stream
 * is never probed, since neither can be sent without switching the response to SSE.
 */
final class HttpChannel implements ModernChannel {

    private final HttpServletResponse response;

    private boolean sse;

    private volatile boolean broken;

    /** The answer was written (or given up): the response is no longer this channel's to write. */
    private boolean finished;

    private final Map<String, Object> context;

    /** Whether the client accepts an SSE answer. */
    private final boolean streamAccepted;

    /**
     * @param principal the authorized caller, or null when authorization is off
     * @param accept the request's {@code Accept} header, or null
     */
    HttpChannel(HttpServletResponse response, Object principal, String accept) {
        this.response = response;
        this.context = principal == null ? Map.of() : Map.of(McpFrontFilter.PRINCIPAL, principal);
        this.streamAccepted = acceptsEventStream(accept);
    }

    /**
     * No header accepts anything; otherwise an SSE answer needs text/event-stream, text/* or a wildcard in it, not
     * weighted {@code q=0} ("not acceptable").
     */
    static boolean acceptsEventStream(String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        Boolean known = KNOWN_ACCEPTS.get(accept);
        if (known != null) {
            return known;
        }
        boolean accepted = parseAccept(accept);
        if (KNOWN_ACCEPTS.size() < MAX_KNOWN_ACCEPTS) {
            KNOWN_ACCEPTS.put(accept, accepted);
        }
        return accepted;
    }

    /**
     * Accept headers seen before and what they decided: a client sends the same one on every request, and parsing it
     * (splits, lower-casing, a pattern for weights) was done per request. Bounded: past the bound, headers are parsed
     * per request.
     */
    private static final Map<String, Boolean> KNOWN_ACCEPTS = new ConcurrentHashMap<>();

    private static final int MAX_KNOWN_ACCEPTS = 64;

    private static boolean parseAccept(String accept) {
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].strip().toLowerCase(Locale.ROOT);
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String param = parts[i].strip().toLowerCase(Locale.ROOT);
                refused |= param.startsWith("q=") && param.substring(2).strip().matches("0(\\.0{0,3})?");
            }
            if (!refused && (type.equals("text/event-stream") || type.equals("text/*") || type.equals("*/*"))) {
                return true;
            }
        }
        return false;
    }

    /** Whether this response may become an SSE stream (and so be probed for a client that left). */
    boolean streamAccepted() {
        return streamAccepted;
    }

    @Override
    public Map<String, Object> context() {
        return context;
    }

    @Override
    public Kind kind() {
        return Kind.HTTP;
    }

    @Override
    public synchronized boolean send(ObjectNode notification) {
        return write("event: message\ndata: " + ModernJson.MAPPER.valueToTree(notification) + "\n\n");
    }

    @Override
    public boolean open() {
        return !broken;
    }

    @Override
    public synchronized boolean keepAlive() {
        return write(": keep-alive\n\n");
    }

    /**
     * Whether the client still has the stream: writes a keep-alive comment while the request runs (true once it has
     * been answered, when there is nothing left to probe).
     */
    synchronized boolean probe() {
        return finished || keepAlive();
    }

    /** Writes the final answer (null: the request ended without one, e.g. a listen the client closed). */
    synchronized void finish(ModernServer.Reply reply) {
        finished = true;
        if (reply == null || broken) {
            return;
        }
        if (sse) {
            send(reply.message());
            return;
        }
        ReplyBytes body = ReplyBytes.take();
        try {
            if (!JsonTreeBytes.write(reply.message(), body)) {
                body.reset();
                try {
                    ModernJson.MAPPER.writeValue(body, reply.message());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            response.setStatus(reply.httpStatus());
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.setContentLength(body.size());
            try {
                body.writeTo(response.getOutputStream());
            } catch (IOException e) {
                broken = true;
            }
        } finally {
            body.release();
        }
    }

    private boolean write(String text) {
        if (broken) {
            return false;
        }
        if (!streamAccepted) {
            return true; // nothing can be sent before the JSON answer; the client is taken to be there
        }
        try {
            if (!sse) {
                response.setStatus(200);
                response.setContentType("text/event-stream");
                response.setCharacterEncoding("UTF-8");
                response.setHeader("Cache-Control", "no-cache");
                response.setHeader("X-Accel-Buffering", "no");
                sse = true;
            }
            OutputStream out = response.getOutputStream();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException e) {
            broken = true;
            return false;
        }
    }
}
