package dev.klingmcp.contract.openapi;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A reverse proxy on 127.0.0.1 between the clients under test and mock-fal that records every response, so the
 * suite can check each one against the OpenAPI documents without touching the mock.
 *
 * <p>JSON bodies and event streams are recorded whole and have the mock's own origin rewritten to the proxy's, so
 * the absolute URLs the mock hands out (status/response/cancel URLs, upload and file URLs) lead clients back through
 * the proxy. Event streams are forwarded one complete event at a time (never buffered to the end, or SSE would stop
 * being live). Anything else (MP4s, uploaded files) is piped through unbuffered and only counted.
 */
public final class RecordingProxy implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "transfer-encoding",
            "te",
            "trailer",
            "upgrade",
            "proxy-connection",
            "content-length",
            "host");

    private final HttpClient client;
    private final URI target;
    private final List<RecordedExchange> exchanges = new CopyOnWriteArrayList<>();
    /** Event streams still open, as forwarded so far: lets a test wait for what a live stream has carried. */
    private final Map<Object, StringBuffer> liveStreams = new ConcurrentHashMap<>();

    private HttpServer server;
    private String origin;

    private RecordingProxy(Vertx vertx, URI target) {
        this.target = target;
        // SSE streams hold a connection each for their whole life; let several run beside ordinary calls.
        this.client = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(64));
    }

    /** Starts a proxy to {@code targetBaseUrl} (e.g. the mock's {@code http://127.0.0.1:PORT}) on an ephemeral port. */
    public static RecordingProxy start(Vertx vertx, String targetBaseUrl) {
        RecordingProxy proxy = new RecordingProxy(vertx, URI.create(targetBaseUrl));
        proxy.server = vertx.createHttpServer()
                .requestHandler(proxy::forward)
                .listen(0, "127.0.0.1")
                .await();
        proxy.origin = "http://127.0.0.1:" + proxy.server.actualPort();
        return proxy;
    }

    /** {@code http://127.0.0.1:PORT}: what clients are pointed at. */
    public String baseUrl() {
        return origin;
    }

    public List<RecordedExchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** The text each open event stream has forwarded so far. */
    @SuppressWarnings("JdkObsolete") // StringBuffer on purpose: the relay appends while a test thread reads
    public List<String> liveStreams() {
        return liveStreams.values().stream().map(StringBuffer::toString).toList();
    }

    private String targetOrigin() {
        return target.getScheme() + "://" + target.getHost() + ":" + target.getPort();
    }

    private void forward(HttpServerRequest request) {
        request.pause();
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setHost(target.getHost())
                .setPort(target.getPort())
                .setURI(request.uri())
                .setHeaders(copyHeaders(request.headers()));
        String contentLength = request.getHeader("content-length");
        client.request(options)
                .compose(outbound -> {
                    if (contentLength != null) {
                        outbound.putHeader("content-length", contentLength);
                    } else if (request.headers().contains("transfer-encoding")) {
                        outbound.setChunked(true);
                    }
                    return outbound.send(request);
                })
                .onSuccess(response -> relay(request, response))
                .onFailure(failure -> {
                    // A reset or refused connection from the mock is passed on as what the client would have seen: a
                    // dead socket.
                    request.connection().close();
                });
    }

    private void relay(HttpServerRequest request, HttpClientResponse response) {
        HttpServerResponse out = request.response().setStatusCode(response.statusCode());
        out.setStatusMessage(response.statusMessage());
        out.headers().addAll(copyHeaders(response.headers()));
        String location = response.getHeader("location");
        if (location != null) {
            out.putHeader("location", rewrite(location));
        }
        String mediaType = mediaType(response.getHeader("content-type"));
        if (mediaType.equals("text/event-stream")) {
            relayEventStream(request, response, out);
        } else if (mediaType.endsWith("json") || mediaType.startsWith("text/")) {
            response.body()
                    .onSuccess(body -> {
                        byte[] rewritten =
                                rewrite(body.toString(StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                        record(request, response, rewritten, rewritten.length);
                        out.end(Buffer.buffer(rewritten));
                    })
                    .onFailure(failure -> request.connection().close());
        } else {
            relayOpaque(request, response, out);
        }
    }

    @SuppressWarnings("JdkObsolete") // StringBuffer on purpose: read by liveStreams() from another thread
    private void relayEventStream(HttpServerRequest request, HttpClientResponse response, HttpServerResponse out) {
        out.setChunked(true);
        StringBuilder pending = new StringBuilder();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        StringBuffer live = new StringBuffer();
        liveStreams.put(response, live);
        response.handler(chunk -> {
            pending.append(chunk.toString(StandardCharsets.UTF_8));
            int end;
            while ((end = pending.indexOf("\n\n")) >= 0) {
                String event = rewrite(pending.substring(0, end + 2));
                pending.delete(0, end + 2);
                byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
                seen.writeBytes(bytes);
                live.append(event);
                out.write(Buffer.buffer(bytes));
            }
        });
        response.endHandler(done -> {
            liveStreams.remove(response);
            byte[] rest = rewrite(pending.toString()).getBytes(StandardCharsets.UTF_8);
            seen.writeBytes(rest);
            record(request, response, seen.toByteArray(), seen.size());
            out.end(Buffer.buffer(rest));
        });
        response.exceptionHandler(failure -> {
            liveStreams.remove(response);
            record(request, response, seen.toByteArray(), seen.size());
            request.connection().close();
        });
    }

    private void relayOpaque(HttpServerRequest request, HttpClientResponse response, HttpServerResponse out) {
        String length = response.getHeader("content-length");
        if (length != null) {
            out.putHeader("content-length", length);
        } else {
            out.setChunked(true);
        }
        long[] count = {0};
        response.handler(chunk -> {
            count[0] += chunk.length();
            out.write(chunk);
            if (out.writeQueueFull()) {
                response.pause();
                out.drainHandler(drained -> response.resume());
            }
        });
        response.endHandler(done -> {
            record(request, response, null, count[0]);
            out.end();
        });
        response.exceptionHandler(failure -> request.connection().close());
    }

    private void record(HttpServerRequest request, HttpClientResponse response, byte[] body, long bytes) {
        Map<String, String> headers = new TreeMap<>();
        response.headers()
                .forEach(header -> headers.putIfAbsent(header.getKey().toLowerCase(Locale.ROOT), header.getValue()));
        exchanges.add(new RecordedExchange(
                request.method().name(), request.path(), response.statusCode(), headers, body, bytes));
    }

    private String rewrite(String text) {
        return text.replace(targetOrigin(), origin).replace(target.toString().replaceAll("/$", ""), origin);
    }

    private static MultiMap copyHeaders(MultiMap headers) {
        MultiMap copy = MultiMap.caseInsensitiveMultiMap();
        headers.forEach(header -> {
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                copy.add(header.getKey(), header.getValue());
            }
        });
        return copy;
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        Future.all(server.close(), client.close()).await();
    }
}
