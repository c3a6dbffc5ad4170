package dev.klingmcp.contract.fal;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The test's own webhook endpoint on 127.0.0.1 (JDK HTTP server, nothing shared with the mock): keeps every POST's
 * headers and raw body bytes, because the signature covers the exact bytes, and answers with a chosen status so the
 * mock's retries can be exercised too.
 */
final class WebhookReceiver implements AutoCloseable {

    record Delivery(String path, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private volatile int answer = 200;

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    static WebhookReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            WebhookReceiver receiver = new WebhookReceiver(server);
            server.createContext("/", exchange -> {
                try (exchange;
                        InputStream in = exchange.getRequestBody()) {
                    byte[] body = in.readAllBytes();
                    Map<String, String> headers = new TreeMap<>();
                    exchange.getRequestHeaders()
                            .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
                    receiver.deliveries.add(
                            new Delivery(exchange.getRequestURI().getPath(), headers, body));
                    exchange.sendResponseHeaders(receiver.answer, -1);
                }
            });
            server.setExecutor(receiver.executor);
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The status every following delivery is answered with (e.g. 500 to make the mock retry). */
    void answerWith(int status) {
        this.answer = status;
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
