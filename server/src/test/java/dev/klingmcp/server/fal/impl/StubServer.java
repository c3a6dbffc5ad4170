package dev.klingmcp.server.fal.impl;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny loopback HTTP server for gateway tests that need exact control over fal's answers (faults, headers, SSE
 * framing). Handlers are looked up by "METHOD path-prefix"; every request is recorded.
 */
final class StubServer implements AutoCloseable {

    @SuppressWarnings("ArrayRecordComponent") // the bytes as received; requests are inspected, never compared
    record Recorded(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    @FunctionalInterface
    interface Handler {
        void handle(HttpExchange ex, int callNumber) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stub-fal");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Handler> handlers = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new java.util.concurrent.ConcurrentHashMap<>();
    final List<Recorded> requests = new CopyOnWriteArrayList<>();

    StubServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::dispatch);
        server.setExecutor(pool);
        server.start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** {@code route} is "METHOD /path/prefix"; the longest matching prefix wins. */
    StubServer on(String route, Handler h) {
        handlers.put(route, h);
        return this;
    }

    /**
     * fal's storage answers around a multipart upload of {@code clip.mp4}: initiate hands out
     * {@code /_upload/multi/abc?sig=xyz} on this stub (parts go to {@code /_upload/multi/abc/<n>}, answered by the
     * test's own {@code "PUT /_upload/multi/abc/"} handler), complete answers 200.
     */
    StubServer acceptMultipartUpload() {
        String upload = base() + "/_upload/multi/abc?sig=xyz";
        on(
                "POST /storage/upload/initiate-multipart",
                (ex, n) -> send(
                        ex,
                        200,
                        "{\"upload_url\":\"" + upload + "\",\"file_url\":\"https://cdn.example/abc/clip.mp4\"}"));
        return on("POST /_upload/multi/abc/complete", (ex, n) -> send(ex, 200, "{}"));
    }

    int calls(String route) {
        AtomicInteger n = calls.get(route);
        return n == null ? 0 : n.get();
    }

    private void dispatch(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        URI uri = ex.getRequestURI();
        requests.add(new Recorded(
                ex.getRequestMethod(), uri.getPath(), uri.getRawQuery(), Map.copyOf(ex.getRequestHeaders()), body));
        String key = ex.getRequestMethod() + " " + uri.getPath();
        String best = null;
        for (String route : handlers.keySet()) {
            if (key.startsWith(route) && (best == null || route.length() > best.length())) {
                best = route;
            }
        }
        try {
            if (best == null) {
                send(ex, 404, "{\"error\":\"Error\",\"message\":\"Path " + uri.getPath() + " not found\"}");
                return;
            }
            int n = calls.computeIfAbsent(best, k -> new AtomicInteger()).incrementAndGet();
            handlers.get(best).handle(ex, n);
        } finally {
            ex.close();
        }
    }

    static void send(HttpExchange ex, int status, String json, String... headers) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            ex.getResponseHeaders().set(headers[i], headers[i + 1]);
        }
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
