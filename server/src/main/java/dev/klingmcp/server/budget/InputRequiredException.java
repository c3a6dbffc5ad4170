package dev.klingmcp.server.budget;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Thrown by a tool on the modern lane when it needs the person's answer first; the protocol layer turns it into an
 * {@code input_required} result. Nothing has been submitted when it is thrown.
 */
public final class InputRequiredException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ObjectNode inputRequests;

    private final String requestState;

    public InputRequiredException(ObjectNode inputRequests, String requestState) {
        super("input required", null, false, false);
        this.inputRequests = inputRequests;
        this.requestState = requestState;
    }

    public ObjectNode inputRequests() {
        return inputRequests;
    }

    public String requestState() {
        return requestState;
    }
}
