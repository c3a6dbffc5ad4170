package dev.klingmcp.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.server.auth.Authenticator;
import dev.klingmcp.server.auth.Principal;
import dev.klingmcp.server.config.HttpSettings;
import dev.klingmcp.server.http.JsonErrorValve;
import dev.klingmcp.server.http.McpFrontFilter;
import dev.klingmcp.server.mcp.DirectRecordsJsonMapper;
import dev.klingmcp.server.modern.ModernHttpFilter;
import dev.klingmcp.server.modern.ModernServer;
import dev.klingmcp.server.webhook.FalWebhookServlet;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.IntSupplier;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http11.Http11Nio2Protocol;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.util.descriptor.web.LoginConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streamable HTTP: the SDK's servlet transport hosted in an embedded Tomcat, behind {@link McpFrontFilter} (body limit,
 * bearer-token authorization and scopes, session cap, clean JSON errors) and {@link JsonErrorValve} (no HTML error page,
 * no server version). On loopback without authorization, the SDK's DNS-rebinding guard checks Origin and Host (localhost
 * / 127.0.0.1, any port; other sites get 403, a rebinding Host 421). Listening on any other address needs authorization.
 * The MCP endpoint is {@code /mcp}; requests of the stateless revision (2026-07-28) are served by
 * {@link ModernHttpFilter} on the same endpoint, after the front filter.
 */
public final class StreamableHttpServer implements AutoCloseable {

    public static final String ENDPOINT = "/mcp";

    public static final String LOOPBACK = HttpSettings.LOOPBACK;

    /** Requests one keep-alive connection serves before the server closes it. */
    public static final int MAX_KEEP_ALIVE_REQUESTS = 10_000;

    private static final Logger log = LoggerFactory.getLogger(StreamableHttpServer.class);

    private final Tomcat tomcat;

    private final Path baseDir;

    private final HttpServletStreamableServerTransportProvider transport;

    private final HttpSettings settings;

    private final McpFrontFilter front;

    private final Context context;

    private volatile String falWebhookUrl;

    private final ModernHttpFilter modern;

    private StreamableHttpServer(
            Tomcat tomcat,
            Path baseDir,
            HttpServletStreamableServerTransportProvider transport,
            HttpSettings settings,
            McpFrontFilter front,
            Context context,
            ModernHttpFilter modern) {
        this.context = context;
        this.tomcat = tomcat;
        this.baseDir = baseDir;
        this.transport = transport;
        this.settings = settings;
        this.front = front;
        this.modern = modern;
    }

    /** Loopback, no authorization, default limits. The HTTP listener starts with {@link #start()}. */
    public static StreamableHttpServer create(int port) {
        return create(port, HttpSettings.loopback(), null);
    }

    /**
     * The transport to build the MCP server on; the HTTP listener starts with {@link #start()}.
     *
     * @param authenticator null for no authorization, which only a loopback bind accepts
     * @throws IllegalStateException when {@code settings} bind a non-loopback address without authorization
     */
    public static StreamableHttpServer create(int port, HttpSettings settings, Authenticator authenticator) {
        if (!settings.loopbackOnly() && authenticator == null) {
            throw new IllegalStateException("refusing to serve HTTP on " + settings.bind()
                    + " without authorization: anyone who can reach it could spend money on fal. Configure "
                    + "auth.issuer (OAuth JWTs) or auth.tokens-file, or bind 127.0.0.1");
        }
        TomcatLogging.routeToSlf4j();
        DefaultServerTransportSecurityValidator security = headerValidator(settings, authenticator != null);
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                // The SDK parses every message with it: request records are built without Jackson's map round trip.
                .jsonMapper(DirectRecordsJsonMapper.overSdkDefault())
                .mcpEndpoint(ENDPOINT)
                // Idle SSE streams are pinged so proxies and clients do not drop them during a 50 s status wait.
                .keepAliveInterval(Duration.ofSeconds(15))
                .httpHeaderValidator(security)
                .maxRequestSize((int) Math.min(Integer.MAX_VALUE, settings.maxBodyBytes()))
                // A session with no request and no open stream during one whole interval is closed.
                .sessionSweepInterval(settings.sessionIdle())
                .contextExtractor(StreamableHttpServer::principalContext)
                .build();
        Path baseDir;
        try {
            baseDir = Files.createTempDirectory("kling-mcp-tomcat");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create Tomcat's work folder", e);
        }
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        // NIO2 (asynchronous channels) rather than Tomcat's default NIO poller: with NIO, every request on a kept-alive
        // connection went poller -> worker (a wake-up), and after the answer the worker handed the socket back to the
        // poller (another wake-up, an eventfd write and an epoll_ctl); with NIO2 the worker that answered arms the
        // channel's next read itself, and the thread that sees the next request arrive serves it. Measured on the
        // stateless status call at 32 connections: about a sixth less server CPU per call, same bytes on the wire.
        Connector connector = new Connector(Http11Nio2Protocol.class.getName());
        connector.setPort(port);
        connector.setProperty("address", settings.bind());
        // Longer than the longest tool call (wait_seconds <= 50 plus a download).
        connector.setAsyncTimeout(Duration.ofMinutes(5).toMillis());
        // Tomcat closes a keep-alive connection after 100 requests by default, so 1 % of the calls of a busy client
        // (an agent platform, a proxy) waited for a new connection: the whole 99th percentile. Still finite, so a
        // layer-4 balancer in front of several replicas gets to move long-lived clients now and then.
        connector.setProperty("maxKeepAliveRequests", String.valueOf(MAX_KEEP_ALIVE_REQUESTS));
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        ((StandardHost) tomcat.getHost()).setErrorReportValveClass(JsonErrorValve.class.getName());
        Context context = tomcat.addContext("", baseDir.toString());
        // Tomcat's embedded context adds an authenticator valve (checking security constraints) to every request unless
        // a login configuration is set first. This application declares no constraints and authorizes in its front
        // filter, so "none" is said here and the valve is left out of each request's path.
        context.setLoginConfig(new LoginConfig("NONE", null, null, null));
        AtomicReference<StreamableHttpServer> self = new AtomicReference<>();
        McpFrontFilter front = McpFrontFilter.create(
                settings, authenticator, () -> self.get().resourceUrl(), sessionCounter(transport));
        FilterDef def = new FilterDef();
        def.setFilterName("mcp-front");
        def.setFilter(front);
        def.setAsyncSupported("true");
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("mcp-front");
        map.addURLPattern("/*");
        context.addFilterMap(map);
        // Behind the front door (authorization, limits): stateless (2026-07-28) requests are taken before the SDK sees
        // them.
        ModernHttpFilter modern = new ModernHttpFilter(security);
        FilterDef modernDef = new FilterDef();
        modernDef.setFilterName("mcp-modern");
        modernDef.setFilter(modern);
        modernDef.setAsyncSupported("true");
        context.addFilterDef(modernDef);
        FilterMap modernMap = new FilterMap();
        modernMap.setFilterName("mcp-modern");
        modernMap.addURLPattern(ENDPOINT);
        context.addFilterMap(modernMap);
        Wrapper wrapper = Tomcat.addServlet(context, "mcp", transport);
        wrapper.setAsyncSupported(true);
        context.addServletMapping("/*", "mcp");
        StreamableHttpServer server =
                new StreamableHttpServer(tomcat, baseDir, transport, settings, front, context, modern);
        self.set(server);
        return server;
    }

    private static McpTransportContext principalContext(HttpServletRequest request) {
        Object principal = request.getAttribute(McpFrontFilter.PRINCIPAL);
        return principal == null
                ? McpTransportContext.EMPTY
                : McpTransportContext.create(Map.of(McpFrontFilter.PRINCIPAL, principal));
    }

    /**
     * Origin is always checked (a browser page of another site must not drive the server). Host is checked only without
     * authorization: there it is the DNS-rebinding guard, while with authorization a rebinding page has no token, and a
     * server behind a proxy is reached under names this process cannot know.
     */
    private static DefaultServerTransportSecurityValidator headerValidator(HttpSettings settings, boolean authorized) {
        List<String> origins = new ArrayList<>(
                List.of("http://localhost:*", "http://127.0.0.1:*", "https://localhost:*", "https://127.0.0.1:*"));
        URI publicUrl = settings.publicUrl();
        if (publicUrl != null) {
            origins.add(publicUrl.getScheme() + "://" + publicUrl.getRawAuthority());
        }
        DefaultServerTransportSecurityValidator.Builder b =
                DefaultServerTransportSecurityValidator.builder().allowedOrigins(origins);
        if (!authorized) {
            b.allowedHosts(List.of("localhost:*", "127.0.0.1:*"));
        }
        return b.build();
    }

    /**
     * The number of sessions the SDK holds. Its map is private and the SDK has no accessor or limit, so it is read
     * reflectively; if a later SDK renames it the cap is off (logged) rather than the server broken.
     */
    private static IntSupplier sessionCounter(HttpServletStreamableServerTransportProvider transport) {
        try {
            Field field = HttpServletStreamableServerTransportProvider.class.getDeclaredField("sessions");
            field.setAccessible(true);
            Map<?, ?> sessions = (Map<?, ?>) field.get(transport);
            return sessions::size;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("cannot count the SDK's HTTP sessions ({}); http.max-sessions is not enforced", e.toString());
            return () -> 0;
        }
    }

    /**
     * Serves fal's signed completion webhooks at {@link FalWebhookServlet#PATH} (call before {@link #start()}); needs a
     * public URL, since fal must reach it. From then on {@link #falWebhookUrl()} is the URL to give fal.
     */
    public void receiveFalWebhooks(FalWebhookServlet servlet) {
        if (settings.publicUrl() == null) {
            throw new IllegalStateException("fal webhooks need http.public-url: fal must be able to reach this server");
        }
        Tomcat.addServlet(context, "fal-webhook", servlet);
        context.addServletMapping(FalWebhookServlet.PATH, "fal-webhook");
        front.allowWithoutToken(FalWebhookServlet.PATH);
        falWebhookUrl = FalWebhookServlet.urlFor(settings.publicUrl());
    }

    /** Where fal should send completion webhooks, or null when they are not received here. */
    public String falWebhookUrl() {
        return falWebhookUrl;
    }

    public HttpSettings settings() {
        return settings;
    }

    /** Sees every authorized JSON-RPC message after it was served (subscriptions, for instance). */
    public void observeInbound(BiConsumer<Principal, JsonNode> observer) {
        front.observe(observer);
    }

    /** Answers a legacy {@code tools/call} of a tool not in {@code tools} itself, listing the tools there are. */
    public void refuseUnknownTools(dev.klingmcp.server.requests.UnknownTools tools) {
        front.refuseUnknownTools(tools);
    }

    public HttpServletStreamableServerTransportProvider transport() {
        return transport;
    }

    /** Routes stateless (2026-07-28) requests to {@code server}; call before {@link #start()}. */
    public void serveModern(ModernServer server) {
        modern.serve(server);
    }

    /** Starts listening; returns the bound port (useful with port 0). */
    public int start() {
        int requested = tomcat.getConnector().getPort();
        String busy = "cannot listen on " + settings.bind() + ":" + requested
                + " (the port is in use or not allowed); choose another with --port, or --port 0 for any free port";
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            throw new IllegalStateException(busy + ": " + e.getMessage(), e);
        }
        // Tomcat logs a failed bind and carries on without the connector: that is still a failed start.
        if (tomcat.getConnector().getState() != LifecycleState.STARTED || port() <= 0) {
            throw new IllegalStateException(busy);
        }
        return port();
    }

    /** The connector's protocol handler (NIO2; see {@link #create}). */
    String protocol() {
        return tomcat.getConnector().getProtocolHandlerClassName();
    }

    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /** Where clients reach the endpoint: the public URL when configured, else {@code http://<bind>:<port>/mcp}. */
    public String url() {
        return resourceUrl().toString();
    }

    /** The OAuth resource identifier of the endpoint (the audience tokens must name). */
    public URI resourceUrl() {
        if (settings.publicUrl() != null) {
            return settings.publicUrl();
        }
        String host = settings.bind();
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            host = LOOPBACK;
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port() + ENDPOINT);
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
