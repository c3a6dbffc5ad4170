package dev.klingmcp.server.budget;

/** A {@code requestState} that was altered, forged, expired, replayed or made for other arguments: refused. */
public final class RequestStateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RequestStateException(String message) {
        super(message, null, false, false);
    }
}
