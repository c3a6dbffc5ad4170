package dev.klingmcp.mock.impl;

import dev.klingmcp.mock.MockControl;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.mock.control.ControlRoutes;
import dev.klingmcp.mock.fault.FaultInjector;
import dev.klingmcp.mock.http.AccessLog;
import dev.klingmcp.mock.http.ApiKeyAuth;
import dev.klingmcp.mock.http.FailureAnswers;
import dev.klingmcp.mock.http.FaultResponder;
import dev.klingmcp.mock.http.PlatformRoutes;
import dev.klingmcp.mock.http.QueueHandlers;
import dev.klingmcp.mock.http.QueueRoutes;
import dev.klingmcp.mock.http.RequestIdHeader;
import dev.klingmcp.mock.http.ResultWriter;
import dev.klingmcp.mock.http.StatusBodies;
import dev.klingmcp.mock.media.CdnRoutes;
import dev.klingmcp.mock.media.VideoLibrary;
import dev.klingmcp.mock.queue.ModelCatalog;
import dev.klingmcp.mock.queue.QueueEngine;
import dev.klingmcp.mock.queue.RequestIds;
import dev.klingmcp.mock.queue.SubmitCounters;
import dev.klingmcp.mock.queue.SwitchableClock;
import dev.klingmcp.mock.report.ContractChecker;
import dev.klingmcp.mock.report.RequestRecorder;
import dev.klingmcp.mock.storage.StorageOptions;
import dev.klingmcp.mock.storage.StorageRoutes;
import dev.klingmcp.mock.storage.StorageService;
import dev.klingmcp.mock.webhook.JwksRoutes;
import dev.klingmcp.mock.webhook.WebhookDispatcher;
import dev.klingmcp.mock.webhook.WebhookSigner;
import dev.klingmcp.openapi.FalEndpoints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the mock together on one Vert.x instance and one HTTP server. */
public final class MockFalServer implements MockFal {

    private static final Logger LOG = LoggerFactory.getLogger(MockFalServer.class);
    private static final long START_TIMEOUT_SECONDS = 30;

    private final Vertx vertx;
    private final HttpServer server;
    private final String baseUrl;
    private final LiveControl control;
    private final TimerDriver timers;
    private final VideoLibrary videos;
    private final WebhookDispatcher webhooks;
    private final Path tempDir;

    private MockFalServer(
            Vertx vertx,
            HttpServer server,
            String baseUrl,
            LiveControl control,
            TimerDriver timers,
            VideoLibrary videos,
            WebhookDispatcher webhooks,
            Path tempDir) {
        this.vertx = vertx;
        this.server = server;
        this.baseUrl = baseUrl;
        this.control = control;
        this.timers = timers;
        this.videos = videos;
        this.webhooks = webhooks;
        this.tempDir = tempDir;
    }

    public static MockFal start(MockFalOptions options) {
        Vertx vertx = Vertx.vertx();
        try {
            return build(vertx, options);
        } catch (RuntimeException e) {
            await(vertx.close());
            throw e;
        }
    }

    private static MockFalServer build(Vertx vertx, MockFalOptions options) {
        Path tempDir = options.getStorageDir() == null ? createTempDir() : null;
        Path storage = options.getStorageDir() != null ? options.getStorageDir() : tempDir;
        AtomicReference<String> base = new AtomicReference<>();

        SwitchableClock clock = options.isManualClock()
                ? SwitchableClock.manual(System.currentTimeMillis())
                : SwitchableClock.scaled(options.getSpeed());
        ModelCatalog catalog = options.getCatalog() != null
                ? options.getCatalog()
                : OpenApiModelCatalog.load(options.isStrictValidation());
        SubmitCounters counters = new SubmitCounters();
        QueueEngine engine = new QueueEngine(
                clock,
                new RequestIds(options.getSeed()),
                new QueueEngine.Settings(
                        options.getConcurrency(), options.isForgetCancelledRequests(), options.getResultRetention()),
                counters);
        FaultInjector faults = new FaultInjector(options.getSeed(), options.getFaults());
        VideoLibrary videos = new VideoLibrary(
                storage.resolve("videos"), base::get, VideoLibrary.DEFAULT_FPS, options.getOutputVideoBytes());
        WebhookSigner signer = WebhookSigner.fromSeed(options.getSeed());
        WebhookDispatcher webhooks = new WebhookDispatcher(
                vertx,
                signer,
                options.getWebhook()
                        .withSpeed(
                                options.isManualClock() ? options.getWebhook().speed() : options.getSpeed())
                        .withUserId(options.getUserId()));

        StatusBodies bodies = new StatusBodies(base::get);
        // The registry's validators keep durations within 3..15; a custom catalog might not, and a clip must still come
        // out.
        ResultWriter results = new ResultWriter(vertx, (seconds, ratio) -> videos.videoFor(
                        Math.max(VideoLibrary.MIN_SECONDS, Math.min(VideoLibrary.MAX_SECONDS, seconds)), ratio)
                .toFalJson());
        QueueHandlers handlers = new QueueHandlers(
                vertx,
                engine,
                faults,
                bodies,
                results,
                new QueueHandlers.Settings(options.isStrictValidation(), options.getSsePingInterval()));
        ApiKeyAuth auth = new ApiKeyAuth(options.getApiKeys(), options.isPublicMode());
        QueueRoutes queue = new QueueRoutes(
                catalog, counters, faults, new FaultResponder(vertx), auth, handlers, options.getMaxRequestBodyBytes());
        StorageService uploads =
                new StorageService(vertx, StorageOptions.defaults(storage.resolve("uploads")), base::get);
        TimerDriver timers = new TimerDriver(vertx, engine, clock);
        RequestRecorder recorder = new RequestRecorder(new ContractChecker(FalEndpoints.load()), clock);
        LiveControl control = new LiveControl(
                engine, clock, counters, faults, options.getFaults(), webhooks, uploads, recorder, timers::reschedule);
        engine.onScheduleChanged(timers::reschedule);
        engine.onCompleted(new WebhookOnCompletion(webhooks, results)::accept);

        Router router = Router.router(vertx);
        if (options.isLogRequests()) {
            AccessLog.mount(router);
        }
        recorder.mount(router, ControlRoutes.PREFIX);
        RequestIdHeader.mount(router);
        FailureAnswers.mount(router);
        ControlRoutes.mount(router, control);
        queue.mountProxy(router);
        JwksRoutes.mount(router, signer);
        // Downloads of outputs share the storage route's faults (fal's CDN and storage are one surface to a client).
        queue.mountStorageFaults(router, VideoLibrary.PATH_PREFIX + "*");
        CdnRoutes.mount(router, videos);
        queue.mountStorageFaults(
                router,
                "/storage/*",
                StorageService.UPLOAD_PREFIX + "*",
                StorageService.MULTIPART_PREFIX + "*",
                StorageService.TOKEN_UPLOAD_PATH);
        StorageRoutes.mount(router, uploads, auth::refusal);
        PlatformRoutes.mount(router, engine, ctx -> auth.refusal(ctx.request()));
        queue.mountQueue(router);

        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                        .setHost(options.getHost())
                        .setPort(options.getPort())
                        .setCompressionSupported(false)
                        // No h2c upgrade: java.net.http tries it by default and Vert.x answers some upgraded requests
                        // with GOAWAY. fal itself speaks HTTP/2 only over TLS, so plain HTTP/1.1 is the faithful
                        // choice.
                        .setHttp2ClearTextEnabled(false))
                .requestHandler(router);
        try {
            await(server.listen());
        } catch (IllegalStateException e) {
            vertx.close();
            // Netty says only "Address already in use": name the address and port, and the way out.
            throw new IllegalStateException(
                    "mock-fal cannot listen on " + options.getHost() + ":" + options.getPort() + " (" + e.getMessage()
                            + "); choose another with --port, or --port 0 for any free port",
                    e);
        }
        String listenHost = options.getHost().equals("0.0.0.0") ? "127.0.0.1" : options.getHost();
        base.set(
                options.getAdvertisedBaseUrl() != null
                        ? options.getAdvertisedBaseUrl()
                        : "http://" + (listenHost.contains(":") ? "[" + listenHost + "]" : listenHost) + ":"
                                + server.actualPort());
        LOG.info(
                "mock-fal listening on {} ({}, {} endpoints)",
                base.get(),
                options.isManualClock() ? "manual clock" : "speed x" + options.getSpeed(),
                catalog.endpoints().size());
        return new MockFalServer(vertx, server, base.get(), control, timers, videos, webhooks, tempDir);
    }

    @Override
    public int port() {
        return server.actualPort();
    }

    @Override
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public MockControl control() {
        return control;
    }

    @Override
    public void close() {
        timers.stop();
        webhooks.close();
        videos.close();
        await(server.close());
        await(vertx.close());
        if (tempDir != null) {
            deleteQuietly(tempDir);
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for mock-fal", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("mock-fal: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("mock-fal did not respond within " + START_TIMEOUT_SECONDS + " s", e);
        }
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("mock-fal-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary storage directory", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", dir, e.toString());
        }
    }
}
