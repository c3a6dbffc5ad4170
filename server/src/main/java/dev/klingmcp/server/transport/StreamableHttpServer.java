package dev.klingmcp.server.transport;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * Streamable HTTP on loopback: the SDK's servlet transport hosted in an embedded Tomcat bound to 127.0.0.1, with the
 * SDK's DNS-rebinding guard (Origin and Host must be localhost / 127.0.0.1, any port; browsers on other sites get 403,
 * a rebinding Host gets 421). The MCP endpoint is {@code /mcp}.
 */
public final class StreamableHttpServer implements AutoCloseable {

    public static final String ENDPOINT = "/mcp";

    public static final String LOOPBACK = "127.0.0.1";

    private final Tomcat tomcat;

    private final Path baseDir;

    private final HttpServletStreamableServerTransportProvider transport;

    private StreamableHttpServer(Tomcat tomcat, Path baseDir, HttpServletStreamableServerTransportProvider transport) {
        this.tomcat = tomcat;
        this.baseDir = baseDir;
        this.transport = transport;
    }

    /** The transport to build the MCP server on; the HTTP listener starts with {@link #start()}. */
    public static StreamableHttpServer create(int port) {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(McpJsonDefaults.getMapper())
                .mcpEndpoint(ENDPOINT)
                // Idle SSE streams are pinged so proxies and clients do not drop them during a 50 s status wait.
                .keepAliveInterval(Duration.ofSeconds(15))
                .httpHeaderValidator(DefaultServerTransportSecurityValidator.builder()
                        .allowedOrigins(List.of(
                                "http://localhost:*",
                                "http://127.0.0.1:*",
                                "https://localhost:*",
                                "https://127.0.0.1:*"))
                        .allowedHosts(List.of("localhost:*", "127.0.0.1:*"))
                        .build())
                .build();
        Path baseDir;
        try {
            baseDir = Files.createTempDirectory("kling-mcp-tomcat");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create Tomcat's work folder", e);
        }
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", LOOPBACK);
        // Longer than the longest tool call (wait_seconds <= 50 plus a download).
        connector.setAsyncTimeout(Duration.ofMinutes(5).toMillis());
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", baseDir.toString());
        Wrapper wrapper = Tomcat.addServlet(context, "mcp", transport);
        wrapper.setAsyncSupported(true);
        context.addServletMapping("/*", "mcp");
        return new StreamableHttpServer(tomcat, baseDir, transport);
    }

    public HttpServletStreamableServerTransportProvider transport() {
        return transport;
    }

    /** Starts listening; returns the bound port (useful with port 0). */
    public int start() {
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            throw new IllegalStateException("HTTP listener did not start: " + e.getMessage(), e);
        }
        return port();
    }

    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>/mcp}. */
    public String url() {
        return "http://" + LOOPBACK + ":" + port() + ENDPOINT;
    }

    @Override
    public void close() {
        try {
            transport.closeGracefully().block(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            // closing anyway
        }
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            // nothing more to release
        }
        try (var files = Files.walk(baseDir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }
}
