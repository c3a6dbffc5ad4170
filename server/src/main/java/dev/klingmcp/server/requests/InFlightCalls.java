package dev.klingmcp.server.requests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.fal.CallDeadline;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tools/call} requests being served, so that a client's {@code notifications/cancelled} stops the call it
 * names. The SDK hands a tool handler neither the JSON-RPC id nor a way to hear about cancellation, so the transports
 * (which see every message) mark each {@code tools/call} with a token in {@code params._meta} under {@link #META_KEY}
 * (the session plus the request id: only this server writes it, any value a client put there is replaced), the handler
 * {@link #attach}es its {@link CallDeadline} under that token, and a cancellation from the same session finds it.
 *
 * <p>Only what a handler attached is held (removed when it returns), plus cancellations that arrived before their
 * handler started (kept {@link #EARLY_CANCEL_TTL_SECONDS} s), so a client cannot grow this map without bound.
 */
public final class InFlightCalls {

    /** The {@code _meta} key carrying the call token; not a name any client uses. */
    public static final String META_KEY = "dev.klingmcp.server/call";

    static final long EARLY_CANCEL_TTL_SECONDS = 60;

    private static final Logger log = LoggerFactory.getLogger(InFlightCalls.class);

    private static final Map<String, CallDeadline> ATTACHED = new ConcurrentHashMap<>();

    /** Token -> when its cancellation arrived (nanoTime), for handlers that had not attached yet. */
    private static final Map<String, Long> EARLY = new ConcurrentHashMap<>();

    /**
     * Token -> when its cancellation arrived (nanoTime), for every cancelled request whose answer has not gone out:
     * the transport withholds that answer ({@link #withdrawn}). Kept longer than any call runs (the tool-call deadline
     * plus a download), so an answer is withheld however late it comes, yet a cancel of a request that was answered
     * already (a race the client cannot avoid) does not stay forever.
     */
    private static final Map<String, Long> WITHHELD = new ConcurrentHashMap<>();

    static final long WITHHELD_TTL_SECONDS = 180;

    private InFlightCalls() {}

    /** The token of request {@code id} of {@code session} (an opaque per-connection or per-session string). */
    static String token(String session, JsonNode id) {
        // An integer id's JSON text is its decimal digits: asText gives them without a trip through a JSON writer
        // (JsonNode.toString), which every tools/call would otherwise pay; a string id keeps its quoted JSON form.
        return session + " " + (id != null && id.isIntegralNumber() ? id.asText() : String.valueOf(id));
    }

    /**
     * Marks {@code message} (changed in place) when it is a {@code tools/call} request; anything else is left as it is.
     */
    public static void mark(String session, JsonNode message) {
        if (!(message instanceof ObjectNode request)
                || !"tools/call".equals(request.path("method").asText())
                || !request.hasNonNull("id")
                || !(request.get("params") instanceof ObjectNode params)) {
            return;
        }
        JsonNode meta = params.get("_meta");
        ObjectNode own = meta instanceof ObjectNode m ? m : params.putObject("_meta");
        own.put(META_KEY, token(session, request.get("id")));
    }

    /**
     * Handles {@code notifications/cancelled} for {@code session}: stops the call it names if it is still running.
     *
     * @return whether {@code message} was a cancellation (then nothing else should handle it)
     */
    public static boolean cancelled(String session, JsonNode message) {
        if (message == null
                || !"notifications/cancelled".equals(message.path("method").asText())
                || message.has("id")) {
            return false;
        }
        JsonNode requestId = message.path("params").path("requestId");
        if (requestId.isMissingNode() || requestId.isNull()) {
            return true;
        }
        withhold(token(session, requestId));
        cancel(session, requestId, message.path("params").path("reason").asText("no reason given"));
        return true;
    }

    private static void withhold(String token) {
        long cancelledAt = System.nanoTime();
        WITHHELD.values().removeIf(t -> cancelledAt - t > TimeUnit.SECONDS.toNanos(WITHHELD_TTL_SECONDS));
        WITHHELD.put(token, cancelledAt);
    }

    /**
     * Stops the call that request {@code requestId} of {@code session} started, if it is running (else a handler that
     * attaches later sees it). For a transport whose own signal is the cancellation (a closed HTTP stream), where no
     * answer can be sent anyway.
     */
    public static void cancel(String session, JsonNode requestId, String reason) {
        String token = token(session, requestId);
        CallDeadline call = ATTACHED.get(token);
        if (call != null) {
            log.info("request {} cancelled by the client ({}): ending its wait", requestId, reason);
            call.cancel();
        } else {
            // Not started yet (or already answered): a handler attaching later sees it.
            long now = System.nanoTime();
            EARLY.values().removeIf(at -> now - at > TimeUnit.SECONDS.toNanos(EARLY_CANCEL_TTL_SECONDS));
            EARLY.put(token, now);
            log.debug("request {} cancelled by the client ({}) while not running", requestId, reason);
        }
    }

    /**
     * Whether the answer to request {@code id} of {@code session} must not be sent because the client cancelled the
     * request (its receiver should not answer a cancelled request). Consumes the record: it is asked once, when the
     * answer is about to go out.
     */
    public static boolean withdrawn(String session, JsonNode id) {
        return id != null && !WITHHELD.isEmpty() && WITHHELD.remove(token(session, id)) != null;
    }

    /** Like {@link #withdrawn} without consuming the record: for a transport that decides before it has the answer. */
    public static boolean isWithdrawn(String session, JsonNode id) {
        return id != null && !WITHHELD.isEmpty() && WITHHELD.containsKey(token(session, id));
    }

    /**
     * Attaches the deadline of the call whose {@code _meta} is {@code meta}, so a cancellation can reach it; the handle
     * detaches it. Calls without a token (another transport, a test) are not cancellable and get a no-op handle.
     */
    public static AutoCloseable attach(Map<String, Object> meta, CallDeadline deadline) {
        Object token = meta == null ? null : meta.get(META_KEY);
        if (!(token instanceof String t)) {
            return () -> {};
        }
        ATTACHED.put(t, deadline);
        if (EARLY.remove(t) != null) {
            deadline.cancel();
        }
        return () -> ATTACHED.remove(t, deadline);
    }
}
