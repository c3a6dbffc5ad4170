package dev.klingmcp.server.ledger;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.List;

/**
 * The ledger a contract test runs against, with its database and its clock: two ledgers opened on {@link #url()}
 * stand for two server processes (or replicas).
 */
interface LedgerUnderTest {

    JdbcJobLedger ledger();

    MutableClock clock();

    /** The JDBC URL of the database under test. */
    String url();

    /** A job as {@code generate} writes it before its submit. */
    default JobRecord insert(String localId, String model, double usd) {
        return ledger().insert(
                        JobRecord.submitting(localId, model, "{\"prompt\":\"p\"}")
                                .estimate("{}", usd),
                        "ledger write before submit");
    }

    /**
     * {@code real} with the SQL of every statement it prepares added to {@code statements} (a plain statement, which
     * carries no SQL yet, as {@code "createStatement"}), to count or inspect what the ledger sends.
     */
    static Connection recordingStatements(Connection real, List<String> statements) {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement")) {
                        statements.add(((String) args[0]).strip());
                    } else if (method.getName().equals("createStatement")) {
                        statements.add("createStatement");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
