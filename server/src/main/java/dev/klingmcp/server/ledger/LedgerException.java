package dev.klingmcp.server.ledger;

/** The ledger could not read or write its database. */
public final class LedgerException extends RuntimeException {
    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }
}
