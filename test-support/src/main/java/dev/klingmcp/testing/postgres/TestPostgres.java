package dev.klingmcp.testing.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for tests: zonky's embedded PostgreSQL (the server binaries come as a Maven artifact, so a
 * fresh machine needs nothing installed), started once per JVM on 127.0.0.1 and stopped when the JVM exits. Each test
 * takes a database of its own ({@link #newDatabase()}), so tests never see each other's rows.
 */
public final class TestPostgres {

    private static TestPostgres shared;

    private final EmbeddedPostgres server;
    private final AtomicInteger databases = new AtomicInteger();

    private TestPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    /** The JVM's server, started on first use (a few seconds the first time, while initdb runs). */
    public static synchronized TestPostgres shared() {
        if (shared == null) {
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "off")
                        .start();
                shared = new TestPostgres(pg);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        pg.close();
                    } catch (IOException e) {
                        // the JVM is exiting; the data folder is a temporary one
                    }
                }));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL for tests", e);
            }
        }
        return shared;
    }

    public int port() {
        return server.getPort();
    }

    /** Creates an empty database and returns its JDBC URL (user {@code postgres}, no password, on 127.0.0.1). */
    public String newDatabase() {
        String name = "kling_test_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (Connection c = server.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + name + "?user=postgres";
    }
}
