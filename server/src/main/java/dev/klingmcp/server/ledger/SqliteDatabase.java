package dev.klingmcp.server.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The ledger in an embedded SQLite file (WAL mode, so readers never block the writer and a killed process loses nothing
 * that was committed). One connection, guarded by a lock: the ledger sees a handful of writes per job, so a pool would
 * buy nothing. Write transactions are IMMEDIATE so that two processes sharing one file serialize their read-modify-writes
 * instead of failing on upgrade.
 */
final class SqliteDatabase implements LedgerDatabase {

    static final String PREFIX = "jdbc:sqlite:";

    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    private SqliteDatabase(Connection connection) {
        this.connection = connection;
    }

    static SqliteDatabase open(String jdbcUrl) throws SQLException {
        createParentFolder(jdbcUrl);
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(10_000);
        config.enforceForeignKeys(true);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        return new SqliteDatabase(config.createConnection(jdbcUrl));
    }

    /** The one connection, for Flyway before the ledger serves anyone. */
    Connection connection() {
        return connection;
    }

    @Override
    public Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    public <T> T withConnection(SqlWork<T> work) throws SQLException {
        lock.lock();
        try {
            return work.run(connection);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            throw new LedgerException("closing the job ledger: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private static void createParentFolder(String jdbcUrl) {
        String file = jdbcUrl.substring(PREFIX.length());
        int query = file.indexOf('?');
        file = query >= 0 ? file.substring(0, query) : file;
        if (file.isEmpty() || file.equals(":memory:") || file.startsWith("file:")) {
            return;
        }
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the job ledger folder " + parent, e);
        }
    }
}
