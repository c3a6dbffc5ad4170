package dev.klingmcp.examples;

import java.util.List;

/** fal answered with an error; for a 422 {@link #fieldErrors()} says which input fields were wrong. */
public final class FalCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient List<FieldError> fieldErrors;

    public FalCallException(int status, String message, List<FieldError> fieldErrors) {
        super(message);
        this.status = status;
        this.fieldErrors = List.copyOf(fieldErrors);
    }

    public int status() {
        return status;
    }

    public List<FieldError> fieldErrors() {
        return fieldErrors;
    }
}
