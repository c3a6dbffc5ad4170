package dev.klingmcp.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.server.requests.InFlightCalls;
import java.io.IOException;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event stream of one legacy-lane request, minus its answer when the client cancelled the request
 * ({@code notifications/cancelled}): a receiver of a cancellation should send no response for that request. The SDK
 * writes each event as a few writes and one flush; an event that starts after the cancel is held until its flush and
 * dropped when it is the answer (a notification before it still goes out). Events that start before the cancel pass
 * straight through, so a request nobody cancelled costs one map lookup per event.
 */
final class WithholdingWriter extends PrintWriter {

    private static final Logger log = LoggerFactory.getLogger(WithholdingWriter.class);

    private final PrintWriter target;

    private final String session;

    private final JsonNode requestId;

    /** The current event, while it is held (made at the first hold: most streams never hold one). */
    private StringBuilder held;

    private boolean eventStarted;

    private boolean holding;

    WithholdingWriter(PrintWriter target, String session, JsonNode requestId) {
        super(target);
        this.target = target;
        this.session = session;
        this.requestId = requestId;
    }

    @Override
    public synchronized void write(int c) {
        if (start()) {
            held().append((char) c);
        } else {
            target.write(c);
        }
    }

    @Override
    public synchronized void write(char[] buf, int off, int len) {
        if (start()) {
            held().append(buf, off, len);
        } else {
            target.write(buf, off, len);
        }
    }

    @Override
    public synchronized void write(String s, int off, int len) {
        if (start()) {
            held().append(s, off, off + len);
        } else {
            target.write(s, off, len);
        }
    }

    private StringBuilder held() {
        if (held == null) {
            held = new StringBuilder();
        }
        return held;
    }

    /** Whether the current event is being held (decided at its first write). */
    private boolean start() {
        if (!eventStarted) {
            eventStarted = true;
            holding = InFlightCalls.isWithdrawn(session, requestId);
        }
        return holding;
    }

    @Override
    public synchronized void flush() {
        if (holding && held != null) {
            if (isAnswer(held) && InFlightCalls.withdrawn(session, requestId)) {
                log.info("request {} was cancelled by the client: its answer is not sent", requestId);
            } else {
                target.write(held.toString());
            }
            held.setLength(0);
        }
        eventStarted = false;
        holding = false;
        target.flush();
    }

    /** A JSON-RPC response in an SSE event's data: it has an id and no method. */
    private static boolean isAnswer(CharSequence event) {
        String text = event.toString();
        int data = text.indexOf("data: ");
        if (data < 0) {
            return false;
        }
        try {
            JsonNode message = JsonErrors.JSON.readTree(text.substring(data + "data: ".length()));
            return message.has("id") && !message.has("method");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean checkError() {
        return target.checkError();
    }

    @Override
    public void close() {
        target.close();
    }
}
