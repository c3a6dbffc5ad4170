package dev.klingmcp.testing.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A test's own webhook endpoint on 127.0.0.1 (JDK HTTP server, nothing shared with the code under test). It keeps every
 * POST's path, headers and raw body bytes, because fal's signature covers the exact bytes, and answers each with the
 * next scripted status, then with the default status (200 unless changed). Paths made silent record the delivery and
 * never answer, so a sender's per-attempt timeout can be exercised.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One received POST; header names are lower-case. */
    @SuppressWarnings("ArrayRecordComponent") // the exact bytes received; deliveries are inspected, never compared
    public record Delivery(String path, Map<String, String> headers, byte[] body) {

        /** The header's first value, looked up case-insensitively, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "webhook-receiver");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final List<HttpExchange> unanswered = new CopyOnWriteArrayList<>();
    private final Set<String> silentPaths = ConcurrentHashMap.newKeySet();
    private final Deque<Integer> script = new ArrayDeque<>();
    private int defaultStatus = 200;

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    /** Listens on an ephemeral port of 127.0.0.1 until {@link #close()}. */
    public static WebhookReceiver start() {
        try {
            HttpServer server = HttpServer.create(dev.klingmcp.testing.http.Loopback.socket(0), 16);
            WebhookReceiver receiver = new WebhookReceiver(server);
            server.createContext("/", receiver::receive);
            server.setExecutor(receiver.executor);
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void receive(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders()
                .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
        String path = exchange.getRequestURI().getPath();
        deliveries.add(new Delivery(path, headers, body));
        if (silentPaths.contains(path)) {
            unanswered.add(exchange); // closed by close(): the sender sees no answer until its own timeout
            return;
        }
        try (exchange) {
            exchange.sendResponseHeaders(nextStatus(), -1);
        }
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The statuses the next deliveries get, one each, before the default status applies again. */
    public synchronized void answer(Integer... statuses) {
        script.addAll(List.of(statuses));
    }

    /** The status every delivery gets once the script is used up (e.g. 500 to make the sender retry). */
    public synchronized void answerWith(int status) {
        this.defaultStatus = status;
    }

    /** Deliveries to {@code path} are recorded and never answered. */
    public void silentAt(String path) {
        silentPaths.add(path);
    }

    private synchronized int nextStatus() {
        return script.isEmpty() ? defaultStatus : script.poll();
    }

    /** Every delivery so far, in arrival order. */
    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    @Override
    public void close() {
        unanswered.forEach(HttpExchange::close);
        server.stop(0);
        executor.shutdownNow();
    }
}
