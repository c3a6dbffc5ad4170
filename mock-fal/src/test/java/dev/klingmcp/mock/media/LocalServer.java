package dev.klingmcp.mock.media;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A Vert.x router on 127.0.0.1:0 for tests, plus a blocking JDK client with timeouts. Shared by the M2 test packages.
 * The client speaks HTTP/1.1 like @fal-ai/client (Node fetch) does towards a plain-http host.
 */
public final class LocalServer implements AutoCloseable {

    public final Vertx vertx;
    public final Router router;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private LocalServer(Vertx vertx, Router router, HttpServer server) {
        this.vertx = vertx;
        this.router = router;
        this.server = server;
    }

    /** Starts a server whose routes are set up by {@code mount}, which may read {@link #baseUrl()} lazily. */
    public static LocalServer start(Vertx vertx, Consumer<Router> mount) throws Exception {
        Router router = Router.router(vertx);
        mount.accept(router);
        HttpServer server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        return new LocalServer(vertx, router, server);
    }

    /**
     * Like {@link #start(Vertx, Consumer)}, for services that must be given the server's URL before it listens (storage
     * and CDN hand out absolute URLs): {@code lateUrl} answers from the moment this returns.
     */
    public static LocalServer start(Vertx vertx, LateBaseUrl lateUrl, Consumer<Router> mount) throws Exception {
        LocalServer server = start(vertx, mount);
        lateUrl.server = server;
        return server;
    }

    /** The base URL of a server not started yet; read only when a request is served. */
    public static final class LateBaseUrl implements Supplier<String> {
        private volatile LocalServer server;

        @Override
        public String get() {
            if (server == null) {
                throw new IllegalStateException("the test server has not started yet");
            }
            return server.baseUrl();
        }
    }

    public int port() {
        return server.actualPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<Path> sendToFile(HttpRequest.Builder request, Path target) throws Exception {
        return client.send(request.timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofFile(target));
    }

    public HttpRequest.Builder request(String pathOrUrl) {
        return HttpRequest.newBuilder(URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : baseUrl() + pathOrUrl));
    }

    @Override
    public void close() throws ExecutionException, TimeoutException {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            // try-with-resources must not swallow an interrupt: restore the flag and fail the test loudly.
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while closing the test server", e);
        }
    }
}
