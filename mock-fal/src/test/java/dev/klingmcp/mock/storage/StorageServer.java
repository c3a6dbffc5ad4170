package dev.klingmcp.mock.storage;

import dev.klingmcp.mock.media.LocalServer;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A {@link StorageService} behind its routes on a loopback {@link LocalServer}, with a Vert.x of its own, for one test;
 * {@link #close()} stops the server, then that Vert.x.
 */
final class StorageServer implements AutoCloseable {

    final StorageService storage;
    final LocalServer server;
    final StorageClient client;
    private final Vertx vertx;

    private StorageServer(Vertx vertx, StorageService storage, LocalServer server) {
        this.vertx = vertx;
        this.storage = storage;
        this.server = server;
        this.client = new StorageClient(server);
    }

    /** Mounted the plain way, {@link StorageRoutes#mount(Router, StorageService)}. */
    static StorageServer start(StorageOptions options, Clock clock) throws Exception {
        return start(options, clock, StorageRoutes::mount);
    }

    /** {@code mount} puts the storage routes, and whatever the test wants in front of them, on the router. */
    static StorageServer start(StorageOptions options, Clock clock, BiConsumer<Router, StorageService> mount)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            LocalServer.LateBaseUrl lateUrl = new LocalServer.LateBaseUrl();
            StorageService storage = new StorageService(vertx, options, lateUrl, clock);
            return new StorageServer(
                    vertx, storage, LocalServer.start(vertx, lateUrl, router -> mount.accept(router, storage)));
        } catch (Exception | Error e) {
            vertx.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            server.close();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
