package dev.klingmcp.server.ledger;

/** What differs between the ledger's two databases; the SQL itself is shared. */
enum Dialect {
    /** One file, one process: write transactions are IMMEDIATE, so they serialize without row locks. */
    SQLITE("sqlite", "rowid", "", ""),
    /** Several replicas: read-modify-writes lock their row; background claims skip rows another replica holds. */
    POSTGRESQL("postgresql", "row_seq", " FOR UPDATE", " FOR UPDATE SKIP LOCKED");

    /** Folder under {@code db/migration/} with this database's Flyway migrations. */
    final String migrations;
    /** Column giving insertion order (breaks ties between rows created in the same millisecond). */
    final String insertionOrder;
    /** Suffix of a SELECT that locks the rows it reads until the transaction ends. */
    final String lockRows;
    /** Suffix of a SELECT that locks the rows it reads and passes over rows someone else holds locked. */
    final String lockRowsSkipLocked;

    Dialect(String migrations, String insertionOrder, String lockRows, String lockRowsSkipLocked) {
        this.migrations = migrations;
        this.insertionOrder = insertionOrder;
        this.lockRows = lockRows;
        this.lockRowsSkipLocked = lockRowsSkipLocked;
    }
}
