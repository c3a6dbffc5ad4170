package dev.klingmcp.server.preview;

/** The decoder cannot make a picture of this video (codec or profile it does not read); the message says which. */
public final class PreviewUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    public PreviewUnavailableException(String message) {
        super(message);
    }

    public PreviewUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
