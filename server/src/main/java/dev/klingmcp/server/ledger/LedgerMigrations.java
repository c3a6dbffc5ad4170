package dev.klingmcp.server.ledger;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings a ledger database to the schema this server needs, with Flyway and the SQL in {@code db/migration/<database>}.
 *
 * <p>SQLite files written before the ledger used Flyway carry their version in a one-row {@code schema_version} table
 * and no Flyway history: they are baselined at that version, so only the newer migrations run. That table is left as it
 * was: an older kling-mcp opening the file still finds the version it knows (and the columns it writes).
 *
 * <p>A database migrated by a newer kling-mcp (a version Flyway finds applied but not among ours) is refused: this
 * server would write rows that the newer schema may not accept.
 */
final class LedgerMigrations {

    /** The table the hand-written migrations kept their version in. */
    static final String LEGACY_VERSION_TABLE = "schema_version";

    /** (java.util.logging's Logger is imported for DataSource.) */
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LedgerMigrations.class);

    private LedgerMigrations() {}

    static void migrate(SqliteDatabase db) throws SQLException {
        Connection c = db.connection();
        FluentConfiguration config = configure(Dialect.SQLITE, new SingleConnection(c));
        if (!hasTable(c, "flyway_schema_history") && hasTable(c, LEGACY_VERSION_TABLE)) {
            int legacy = legacyVersion(c);
            if (legacy > 0) {
                config.baselineOnMigrate(true)
                        .baselineVersion(Integer.toString(legacy))
                        .baselineDescription("schema_version " + legacy + " of the hand-written migrations");
            }
        }
        run(config.load());
        c.setAutoCommit(true);
    }

    static void migrate(PostgresDatabase db) {
        // Flyway holds an advisory lock while it migrates: replicas starting together migrate once.
        run(configure(Dialect.POSTGRESQL, db.dataSource()).load());
    }

    private static FluentConfiguration configure(Dialect dialect, DataSource source) {
        return Flyway.configure(LedgerMigrations.class.getClassLoader())
                .dataSource(source)
                .locations("classpath:db/migration/" + dialect.migrations)
                .loggers("slf4j");
    }

    private static void run(Flyway flyway) {
        for (MigrationInfo applied : flyway.info().applied()) {
            if (applied.getState() == MigrationState.FUTURE_SUCCESS
                    || applied.getState() == MigrationState.FUTURE_FAILED) {
                throw new LedgerException(
                        "the job ledger's schema is at version " + applied.getVersion()
                                + ", newer than this server understands; use a newer kling-mcp or another database",
                        null);
            }
        }
        MigrateResult result = flyway.migrate();
        if (result.migrationsExecuted > 0) {
            LOG.info(
                    "job ledger schema {} version {} ({} migration(s))",
                    result.initialSchemaVersion == null
                            ? "created at"
                            : "upgraded from " + result.initialSchemaVersion + " to",
                    result.targetSchemaVersion,
                    result.migrationsExecuted);
        }
    }

    private static boolean hasTable(Connection c, String name) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        try (ResultSet rs = meta.getTables(null, null, name, null)) {
            return rs.next();
        }
    }

    private static int legacyVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT MAX(version) FROM " + LEGACY_VERSION_TABLE)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /**
     * The ledger's own SQLite connection as a DataSource whose connections Flyway may "close": an in-memory database
     * exists only on that connection, and it carries the ledger's settings (busy timeout, IMMEDIATE transactions).
     */
    private record SingleConnection(Connection connection) implements DataSource {
        @Override
        public Connection getConnection() {
            return (Connection) Proxy.newProxyInstance(
                    Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("close")) {
                            return null;
                        }
                        if (method.getName().equals("isClosed")) {
                            return false;
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public Connection getConnection(String user, String password) {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
