package dev.klingmcp.server.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The ledger in PostgreSQL, shared by every replica. Connections come from a HikariCP pool: tool calls, the background
 * follower and the status streams of many jobs write at once, and opening a PostgreSQL connection costs a round trip
 * and a backend process. User and password come from the JDBC URL's {@code user} / {@code password} parameters (the
 * driver reads them there; {@code ledger.user} / {@code ledger.password} are folded into them by the configuration).
 */
final class PostgresDatabase implements LedgerDatabase {

    static final String PREFIX = "jdbc:postgresql:";

    private final HikariDataSource pool;

    private PostgresDatabase(HikariDataSource pool) {
        this.pool = pool;
    }

    /** @param poolSize most connections held (the setting {@code ledger.pool-size}) */
    static PostgresDatabase open(String jdbcUrl, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("kling-ledger");
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        // A database that is down fails the start at once (clear message) instead of after Hikari's 30 s default.
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(10_000);
        return new PostgresDatabase(new HikariDataSource(config));
    }

    DataSource dataSource() {
        return pool;
    }

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRESQL;
    }

    @Override
    public <T> T withConnection(SqlWork<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
