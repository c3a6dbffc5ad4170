package dev.klingmcp.server.cli;

import dev.klingmcp.server.KlingMcp;
import dev.klingmcp.server.auth.Authenticator;
import dev.klingmcp.server.budget.CostGuards;
import dev.klingmcp.server.config.ConfigException;
import dev.klingmcp.server.config.FalKey;
import dev.klingmcp.server.config.FollowSettings;
import dev.klingmcp.server.config.HttpSettings;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.config.ServerConfigLoader;
import dev.klingmcp.server.config.ToolSchemaProfile;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.mcp.KlingMcpServer;
import dev.klingmcp.server.mockfal.EmbeddedMockFal;
import dev.klingmcp.server.mockfal.EmbeddedMockFals;
import dev.klingmcp.server.transport.StdioFrontDoor;
import dev.klingmcp.server.transport.StdioTransportProvider;
import dev.klingmcp.server.transport.StreamableHttpServer;
import dev.klingmcp.server.webhook.FalWebhookServlet;
import dev.klingmcp.server.webhook.FalWebhookVerifier;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code serve}: MCP over stdio until stdin closes. Requests already read when it closes are answered first; then the
 * ledger is closed and the process exits 0.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Serve MCP over stdio (the default). stdout carries only JSON-RPC; logs go to stderr.",
        footer = {"", KlingMcpCommand.ENVIRONMENT_HELP})
public final class ServeCommand implements Callable<Integer> {

    /** The key the embedded mock accepts when the environment has none (it is not a fal key). */
    static final String MOCK_KEY = "mock-key-id:mock-key-secret";

    /** With fal webhooks, a job without news for this long is asked about (a callback may have been lost). */
    static final java.time.Duration WEBHOOK_QUIET = java.time.Duration.ofMinutes(2);

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @ParentCommand
    KlingMcpCommand parent;

    @Mixin
    ServeOptions options = new ServeOptions();

    public ServeCommand() {}

    ServeCommand(KlingMcpCommand parent, ServeOptions options) {
        this.parent = parent;
        this.options = options;
    }

    @Override
    public Integer call() {
        String invalid = options.invalidCombination();
        if (invalid != null) {
            System.err.println("kling-mcp: " + invalid);
            return 2;
        }
        ServerConfig config;
        String defaultLedger;
        ToolSchemaProfile profile;
        FollowSettings follow;
        StreamableHttpServer http = null;
        try {
            ServerConfigLoader loader = ServerConfigLoader.fromSystem().overrides(options.overrides());
            config = loader.load();
            defaultLedger = loader.defaultLedgerUrl();
            profile = loader.loadToolSchemaProfile();
            follow = loader.loadFollow();
            if (options.http) {
                HttpSettings settings = loader.loadHttp();
                if (!settings.uploadRootsConfigured()) {
                    // A remote client's local paths mean nothing here: no implicit upload root over HTTP.
                    config = config.withUploadRoots(List.of());
                }
                http = openHttp(settings);
                if (settings.publicUrl() != null) {
                    // fal calls back when a job ends: the follower only asks about jobs that went quiet.
                    follow = follow.onlyStragglers(WEBHOOK_QUIET, FalWebhookServlet.urlFor(settings.publicUrl()));
                }
            }
        } catch (ConfigException | IllegalStateException e) {
            System.err.println("kling-mcp: " + e.getMessage());
            return 2;
        }
        EmbeddedMockFal.Running mock = null;
        if (options.mock) {
            if (config.ledgerUrl().equals(defaultLedger)) {
                // The mock's jobs live as long as this process: in the user's own ledger they would be listed (and
                // totalled) beside real jobs and followed at fal's real hosts later, and real unfinished jobs would be
                // asked about at the mock meanwhile.
                Path mockLedger;
                try {
                    mockLedger = Files.createTempDirectory("kling-mcp-mock-");
                } catch (IOException e) {
                    System.err.println("kling-mcp: --mock: cannot create a ledger for this run: " + e.getMessage());
                    return 1;
                }
                config = config.withLedgerUrl("jdbc:sqlite:" + mockLedger.resolve("jobs.db"));
                // The process usually ends by System.exit or a signal, past any finally block.
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(() -> deleteQuietly(mockLedger), "kling-mcp-mock-ledger"));
                log.info(
                        "--mock: jobs are kept in {} for this run only, apart from your real fal jobs (set ledger.url"
                                + " to keep them)",
                        mockLedger);
            }
            FalKey key = config.falKey().isPresent() && config.isMock() ? config.falKey() : FalKey.of(MOCK_KEY);
            EmbeddedMockFal embedded;
            try {
                embedded = EmbeddedMockFals.find();
            } catch (IllegalStateException e) {
                System.err.println("kling-mcp: --mock: " + e.getMessage());
                return 2;
            }
            mock = embedded.start(new EmbeddedMockFal.Settings(options.mockSpeed(), key.reveal(), null, true));
            config = config.withFalBaseUrl(URI.create(mock.baseUrl())).withFalKey(key);
            log.info("--mock: fal is an embedded mock at {} (speed x{})", mock.baseUrl(), options.mockSpeed());
        } else {
            warnIfNoKey(config);
        }
        try {
            if (http != null) {
                try (JobService jobs = JobServices.open(config, follow, announce(config, "HTTP"))) {
                    return serveHttp(http, jobs, config, profile);
                }
            }
            return serveStdio(config, profile, follow, System.in, parent.protocolOut(), null);
        } finally {
            if (mock != null) {
                mock.close();
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        } catch (IOException | RuntimeException e) {
            log.debug("could not delete {}: {}", dir, e.toString());
        }
    }

    static void warnIfNoKey(ServerConfig config) {
        if (!config.falKey().isPresent()) {
            log.warn(
                    "FAL_KEY is not set: tools that call fal will fail (describe_models, dry runs and list_jobs work)");
        }
    }

    /**
     * Logged by the thread that opens the ledger: the config record's toString() costs ~80 ms of method-handle set-up
     * on a cold JVM, time the MCP client would otherwise wait for its initialize answer.
     */
    static Runnable announce(ServerConfig settings, String transport) {
        return () -> {
            log.info("kling-mcp {} serving MCP on {}; {}", KlingMcp.version(), transport, settings);
            log.info("videos are saved to {}", settings.outputDir());
            if (settings.uploadRoots().isEmpty()) {
                log.info(
                        "upload roots: none, so upload reads no local file (set KLING_MCP_UPLOAD_ROOTS=/dir/a,/dir/b)");
            } else {
                log.info("upload roots: {}", settings.uploadRoots());
            }
        };
    }

    /**
     * MCP over stdio until the input ends and what was read is answered.
     *
     * @param door the front door that has been reading since the process started, or null to read {@code in} here
     */
    static int serveStdio(
            ServerConfig config,
            ToolSchemaProfile profile,
            FollowSettings follow,
            InputStream in,
            OutputStream out,
            StdioFrontDoor door) {
        try (JobService jobs = JobServices.open(config, follow, announce(config, "stdio"))) {
            StdioTransportProvider transport = door != null
                    ? new StdioTransportProvider(McpJsonDefaults.getMapper(), door)
                    : new StdioTransportProvider(McpJsonDefaults.getMapper(), in, out);
            KlingMcpServer server = KlingMcpServer.start(
                    transport, jobs, config.falKey()::redact, KlingMcp.version(), profile, CostGuards.from(config));
            transport.terminated().join();
            log.info("stdin closed and in-flight requests answered; shutting down");
            server.close();
        }
        return 0;
    }

    /** Serves until the process is told to stop (SIGTERM, Ctrl-C); the hook waits for the listener to close. */
    /** The listener (not started yet); refuses what cannot be served safely, e.g. a public bind without authorization. */
    private StreamableHttpServer openHttp(HttpSettings settings) {
        Authenticator authenticator = null;
        if (settings.auth().enabled()) {
            try {
                authenticator = Authenticator.from(settings.auth());
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException("authorization settings are not usable: " + e.getMessage());
            }
        }
        return StreamableHttpServer.create(options.port(), settings, authenticator);
    }

    private int serveHttp(
            StreamableHttpServer listener, JobService jobs, ServerConfig config, ToolSchemaProfile profile) {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stop.countDown();
                            try {
                                stopped.await(10, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "kling-mcp-shutdown"));
        try (StreamableHttpServer http = listener) {
            if (http.settings().publicUrl() != null) {
                // fal can reach us: it calls back when a job ends, so nobody has to poll for it.
                URI jwks = http.settings().falWebhookJwks() != null
                        ? http.settings().falWebhookJwks()
                        : URI.create(config.restUrl() + "/.well-known/jwks.json");
                http.receiveFalWebhooks(new FalWebhookServlet(
                        new FalWebhookVerifier(jwks, java.time.Clock.systemUTC(), jobs::firstWebhookDelivery), jobs));
                log.info("fal webhooks received at {} (keys from {})", http.falWebhookUrl(), jwks);
            }
            KlingMcpServer server = KlingMcpServer.start(
                    http, jobs, config.falKey()::redact, KlingMcp.version(), profile, CostGuards.from(config));
            try {
                http.start();
            } catch (IllegalStateException e) {
                System.err.println("kling-mcp: " + e.getMessage());
                server.close();
                return 1;
            }
            log.info("MCP Streamable HTTP on {}", http.url());
            System.err.println("kling-mcp: MCP endpoint " + http.url());
            stop.await();
            server.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
        return 0;
    }
}
