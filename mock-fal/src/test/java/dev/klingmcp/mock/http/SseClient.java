package dev.klingmcp.mock.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/** Reads an SSE response line by line on a background thread, recording every line until the server closes. */
final class SseClient {

    final List<String> lines = new CopyOnWriteArrayList<>();
    final AtomicBoolean ended = new AtomicBoolean();
    volatile int status;
    volatile String contentType;
    volatile String requestId;

    static SseClient open(HttpClient http, URI uri, String authorization) throws Exception {
        SseClient client = new SseClient();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization)
                .header("Accept", "application/json, text/event-stream")
                .build();
        HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        client.status = response.statusCode();
        client.contentType = response.headers().firstValue("Content-Type").orElse(null);
        client.requestId = response.headers().firstValue("x-fal-request-id").orElse(null);
        Thread reader = new Thread(
                () -> {
                    try (Stream<String> body = response.body()) {
                        body.forEach(client.lines::add);
                    } catch (RuntimeException e) {
                        client.lines.add("!error " + e);
                    } finally {
                        client.ended.set(true);
                    }
                },
                "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
        return client;
    }

    /** The JSON of every {@code data:} line so far. */
    List<String> events() {
        return lines.stream()
                .filter(l -> l.startsWith("data: "))
                .map(l -> l.substring(6))
                .toList();
    }
}
