package dev.klingmcp.server.testing;

import dev.klingmcp.server.auth.Authenticator;
import dev.klingmcp.server.config.HttpSettings;
import dev.klingmcp.server.mcp.KlingMcpServer;
import dev.klingmcp.server.transport.StreamableHttpServer;
import java.nio.file.Path;

/**
 * The real HTTP front and MCP server over a {@link FakeJobService}, on a free loopback port, for tests of what HTTP adds
 * (authorization, limits, sessions, error hygiene). {@link #close()} stops both and then checks that no answer the
 * {@link #client()} received leaked a stack trace or the server's name.
 */
public final class FakeJobsOverHttp implements AutoCloseable {

    private final StreamableHttpServer http;
    private final KlingMcpServer server;
    private final HttpTestClient client;

    private FakeJobsOverHttp(StreamableHttpServer http, KlingMcpServer server) {
        this.http = http;
        this.server = server;
        this.client = new HttpTestClient(http.port());
    }

    /** {@code authenticator} null: no authorization, as on loopback without an auth setting. */
    public static FakeJobsOverHttp start(Path dir, HttpSettings settings, Authenticator authenticator) {
        StreamableHttpServer http = StreamableHttpServer.create(0, settings, authenticator);
        KlingMcpServer server = KlingMcpServer.start(http, new FakeJobService(dir), s -> s, "test");
        http.start();
        return new FakeJobsOverHttp(http, server);
    }

    public HttpTestClient client() {
        return client;
    }

    /** The MCP endpoint's URL. */
    public String url() {
        return http.url();
    }

    @Override
    public void close() {
        server.close();
        http.close();
        client.assertNoBodyLeaked();
    }
}
