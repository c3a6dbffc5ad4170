package dev.klingmcp.server.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.klingmcp.testing.postgres.TestPostgres;
import org.junit.jupiter.api.Test;

/** A PostgreSQL ledger's pool holds at most the configured number of connections ({@code ledger.pool-size}). */
class PostgresPoolSizeTest {

    @Test
    void thePoolHasTheSizeItWasOpenedWith() {
        try (PostgresDatabase db = PostgresDatabase.open(TestPostgres.shared().newDatabase(), 3)) {
            assertThat(((HikariDataSource) db.dataSource()).getMaximumPoolSize())
                    .isEqualTo(3);
        }
    }
}
