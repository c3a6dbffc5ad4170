package dev.klingmcp.server.ledger;

import dev.klingmcp.testing.postgres.TestPostgres;

/** The ledger contract on a real PostgreSQL server (started by the tests, one database per test). */
class PostgresJobLedgerTest extends JobLedgerContract {

    @Override
    String newDatabaseUrl() {
        return TestPostgres.shared().newDatabase();
    }
}
