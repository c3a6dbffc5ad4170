package dev.klingmcp.server.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.requests.InFlightCalls;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output side of {@link StdioTransportProvider}: one JSON-RPC message per line on stdout (or through the front door
 * that owns stdout), serialized so lines never interleave. It also withholds the answer to a request the client
 * cancelled: a receiver of {@code notifications/cancelled} should send no response for that request, and a client
 * that already gave up reports a late answer as an error ("unknown message ID").
 */
final class StdioWriter {

    private static final Logger log = LoggerFactory.getLogger(StdioWriter.class);

    private final McpJsonMapper jsonMapper;

    private final ObjectMapper json = new ObjectMapper();

    private final OutputStream out;

    private final StdioFrontDoor door;

    private final String sessionKey;

    private final BooleanSupplier closing;

    private final Object lock = new Object();

    /**
     * @param door       the front door that owns stdout, or null to write to {@code out}
     * @param sessionKey this connection in call tokens (see {@link InFlightCalls})
     * @param closing    whether the transport is closing (write failures are then expected, not worth a warning)
     */
    StdioWriter(
            McpJsonMapper jsonMapper,
            OutputStream out,
            StdioFrontDoor door,
            String sessionKey,
            BooleanSupplier closing) {
        this.jsonMapper = jsonMapper;
        this.out = out;
        this.door = door;
        this.sessionKey = sessionKey;
        this.closing = closing;
    }

    /** Writes a message built by this server (not by the SDK's session) as it is. */
    void node(ObjectNode message) {
        try {
            line(json.writeValueAsBytes(message));
        } catch (IOException e) {
            failed(e);
        }
    }

    /**
     * Written by hand rather than through the SDK's record: JSON-RPC requires {@code "id": null} when the id could not be
     * read (parse errors), and the SDK refuses responses without an id.
     */
    void error(Object id, int code, String message) {
        ObjectNode error = json.createObjectNode();
        error.put("jsonrpc", McpSchema.JSONRPC_VERSION);
        error.set("id", json.valueToTree(id));
        error.putObject("error").put("code", code).put("message", message);
        node(error);
    }

    /** Writes a message of the SDK's session, unless it answers a request the client cancelled. */
    void message(JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCResponse r) {
            if (door != null && StdioFrontDoor.REPLAY_ID.equals(r.id())) {
                // The front door answered this initialize already; the session only had to learn the client.
                if (r.error() != null) {
                    log.warn(
                            "The replayed initialize was refused: {}", r.error().message());
                }
                return;
            }
            if (InFlightCalls.withdrawn(sessionKey, json.valueToTree(r.id()))) {
                log.info("request {} was cancelled by the client: its answer is not sent", r.id());
                return;
            }
        }
        try {
            // Jackson never emits raw newlines inside strings (they are escaped), so one message is one line.
            line(jsonMapper.writeValueAsBytes(message));
        } catch (IOException e) {
            failed(e);
        }
    }

    private void line(byte[] bytes) throws IOException {
        if (door != null) {
            door.writeLine(bytes);
            return;
        }
        synchronized (lock) {
            out.write(bytes);
            out.write('\n');
            out.flush();
        }
    }

    private void failed(IOException e) {
        if (!closing.getAsBoolean()) {
            log.warn("stdout write failed: {}", e.getMessage());
        }
    }
}
