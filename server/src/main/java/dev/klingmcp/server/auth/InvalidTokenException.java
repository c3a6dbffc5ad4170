package dev.klingmcp.server.auth;

/** A bearer token that does not authorize anything; the message says why in words safe to send back (no token text). */
public final class InvalidTokenException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidTokenException(String message) {
        super(message, null, false, false);
    }
}
