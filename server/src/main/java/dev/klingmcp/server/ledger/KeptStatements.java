package dev.klingmcp.server.ledger;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * A connection whose prepared statements are kept and reused: SQLite compiles a statement on every
 * {@code prepareStatement}, and a status read asks the same two statements each time. {@code close()} on a kept
 * statement only clears its parameters. Used by one thread at a time (the caller holds the connection's lock); a
 * bounded number of distinct statements is kept (listings with varying filters are prepared and closed as usual).
 */
final class KeptStatements {

    /** Distinct statements kept: the reads with fixed text, with room for the common listing filters. */
    static final int MAX_KEPT = 64;

    private final Connection connection;

    /** Each kept statement and the view callers get of it (one per statement, made once: a proxy costs a lookup). */
    private final Map<String, Kept> kept = new HashMap<>();

    private record Kept(PreparedStatement statement, PreparedStatement view) {}

    private final Connection view;

    KeptStatements(Connection connection) {
        this.connection = connection;
        this.view = (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) -> onConnection(method, args));
    }

    /** The connection as callers see it. */
    Connection connection() {
        return view;
    }

    /** Closes the kept statements and the connection. */
    void close() throws SQLException {
        try {
            for (Kept k : kept.values()) {
                k.statement().close();
            }
            kept.clear();
        } finally {
            connection.close();
        }
    }

    private Object onConnection(Method method, Object[] args) throws Throwable {
        if (method.getName().equals("prepareStatement")
                && args != null
                && args.length == 1
                && args[0] instanceof String sql) {
            Kept k = kept.get(sql);
            if (k == null) {
                PreparedStatement ps = connection.prepareStatement(sql);
                if (kept.size() >= MAX_KEPT) {
                    return ps;
                }
                k = new Kept(ps, reusable(ps));
                kept.put(sql, k);
            }
            return k.view();
        }
        return call(connection, method, args);
    }

    private static PreparedStatement reusable(PreparedStatement ps) {
        return (PreparedStatement) Proxy.newProxyInstance(
                PreparedStatement.class.getClassLoader(), new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                    if (m.getParameterCount() == 0 && m.getName().equals("close")) {
                        ps.clearParameters();
                        return null;
                    }
                    return call(ps, m, a);
                });
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
