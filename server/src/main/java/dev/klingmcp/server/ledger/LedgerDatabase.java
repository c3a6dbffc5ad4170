package dev.klingmcp.server.ledger;

import java.sql.Connection;
import java.sql.SQLException;

/** Where the ledger's SQL runs: one guarded SQLite connection, or a pool of PostgreSQL connections. */
interface LedgerDatabase extends AutoCloseable {

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    Dialect dialect();

    /** Runs {@code work} on a connection in auto-commit mode that no other thread uses meanwhile. */
    <T> T withConnection(SqlWork<T> work) throws SQLException;

    /**
     * Runs {@code work}, which only reads, on a connection that sees every change committed before it started and
     * reads one consistent snapshot. It may run beside a writer; by default it is {@link #withConnection}.
     */
    default <T> T withReader(SqlWork<T> work) throws SQLException {
        return withConnection(work);
    }

    /**
     * Called first inside {@link #withReader}: a number that two reads get alike only when nothing was committed to the
     * database between them, by this process or any other sharing it, so what the first read found may be reused by
     * the second. -1 (the default) when the database cannot tell: then nothing is reused.
     */
    default long readVersion(Connection c) throws SQLException {
        return -1;
    }

    @Override
    void close();
}
