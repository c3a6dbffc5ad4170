package dev.klingmcp.server.budget;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a modern (stateless) request carries for multi-round-trip requests, handed to the tools through the exchange's
 * transport context under {@link #KEY}. Its presence is how a tool knows it may answer {@code input_required} instead
 * of calling the client back.
 *
 * @param inputResponses  the client's answers to an earlier {@code input_required} (null on a first call)
 * @param requestState    the state echoed back from that answer (null on a first call)
 * @param elicitationForm whether this request's client capabilities declare form elicitation
 * @param principal       the authorized caller's subject (HTTP with authorization), else null; a state is only good for
 *                        the caller it was issued to
 */
public record MrtrContext(JsonNode inputResponses, String requestState, boolean elicitationForm, String principal) {

    public static final String KEY = "dev.klingmcp.mrtr";
}
