package dev.klingmcp.server.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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

    /** The file's URL when reads get their own connection (a file in WAL mode), else null. */
    private final String readerUrl;

    private final ReentrantLock readLock = new ReentrantLock();

    /**
     * Opened on the first read (after the migrations), in a deferred transaction between reads, its statements kept;
     * guarded by readLock.
     */
    private KeptStatements reader;

    /**
     * The reader's COMMIT and BEGIN, prepared once (guarded by readLock): {@code Connection.commit()} compiles,
     * runs and finalizes a COMMIT and a BEGIN on every call, two compilations per read for the same two statements.
     */
    private PreparedStatement endRead;

    private PreparedStatement beginRead;

    private boolean closed;

    private SqliteDatabase(Connection connection, String readerUrl) {
        this.connection = connection;
        this.readerUrl = readerUrl;
    }

    static SqliteDatabase open(String jdbcUrl) throws SQLException {
        createParentFolder(jdbcUrl);
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(10_000);
        config.enforceForeignKeys(true);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        Connection writer = config.createConnection(jdbcUrl);
        return new SqliteDatabase(writer, isPlainFile(jdbcUrl) ? jdbcUrl : null);
    }

    /**
     * A file path (not {@code :memory:}, not a {@code file:} URI that may name a private in-memory database): the only
     * kind a second connection is sure to share.
     */
    private static boolean isPlainFile(String jdbcUrl) {
        String file = jdbcUrl.substring(PREFIX.length());
        return !file.isEmpty() && !file.startsWith(":memory:") && !file.startsWith("file:");
    }

    /**
     * Reads on their own connection: in WAL mode a reader sees every transaction committed before its own began and
     * neither waits for the writer nor holds it up, so a status read does not queue behind a status update. Each read
     * is one deferred transaction (one snapshot for all its statements), committed at the end; a deferred BEGIN holds
     * nothing until the next read's first statement.
     */
    @Override
    public <T> T withReader(SqlWork<T> work) throws SQLException {
        if (readerUrl == null) {
            return withConnection(work);
        }
        readLock.lock();
        try {
            if (closed) {
                throw new SQLException("the job ledger is closed");
            }
            if (reader == null) {
                SQLiteConfig config = new SQLiteConfig();
                config.setBusyTimeout(10_000);
                config.setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
                Connection c = config.createConnection(readerUrl);
                c.setAutoCommit(false);
                endRead = c.prepareStatement("COMMIT");
                beginRead = c.prepareStatement("BEGIN");
                reader = new KeptStatements(c);
            }
            Connection c = reader.connection();
            T result;
            try {
                result = work.run(c);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            endReadSnapshot();
            return result;
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Ends the read's transaction (and its snapshot) and opens the next deferred one, as {@code commit()} would. When
     * either fails the reader is closed, to be opened afresh by the next read: a reader left outside a transaction
     * would read each statement from a snapshot of its own.
     */
    private void endReadSnapshot() throws SQLException {
        try {
            endRead.executeUpdate();
            beginRead.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            closeReader();
            throw e;
        }
    }

    private void closeReader() throws SQLException {
        KeptStatements open = reader;
        reader = null;
        try {
            endRead.close();
            beginRead.close();
        } finally {
            open.close();
        }
    }

    /**
     * SQLite's {@code PRAGMA data_version} on the reader's own connection: it changes whenever another connection (the
     * writer, or another process on the same file) has committed since this connection last looked, and it starts the
     * read's snapshot, so the rest of the read sees exactly the database that number stands for. Without a separate
     * reader (an in-memory database) reads share the writer's connection, whose own commits do not move the number.
     */
    @Override
    public long readVersion(Connection c) throws SQLException {
        if (readerUrl == null) {
            return -1;
        }
        try (PreparedStatement ps = c.prepareStatement("PRAGMA data_version");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : -1;
        }
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
        readLock.lock();
        try {
            closed = true;
            if (reader != null) {
                closeReader();
            }
        } catch (SQLException e) {
            throw new LedgerException("closing the job ledger: " + e.getMessage(), e);
        } finally {
            readLock.unlock();
        }
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
