package dev.klingmcp.testing.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Reads a server-sent-events response line by line on a background thread, recording every line (comments such as
 * {@code : ping} included) until the server closes the stream. The status and headers are there as soon as
 * {@link #open} returns.
 */
public final class SseClient {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final HttpResponse<Stream<String>> response;
    private volatile boolean ended;

    private SseClient(HttpResponse<Stream<String>> response) {
        this.response = response;
    }

    /** GETs {@code uri} with {@code Accept: text/event-stream} and the given header pairs (name, value, name, ...). */
    public static SseClient open(HttpClient http, URI uri, String... headerPairs) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json, text/event-stream");
        if (headerPairs.length > 0) {
            request.headers(headerPairs);
        }
        HttpResponse<Stream<String>> response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        SseClient client = new SseClient(response);
        Thread reader = new Thread(
                () -> {
                    try (Stream<String> body = response.body()) {
                        body.forEach(client.lines::add);
                    } catch (RuntimeException e) {
                        client.lines.add("!error " + e);
                    } finally {
                        client.ended = true;
                    }
                },
                "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
        return client;
    }

    public int status() {
        return response.statusCode();
    }

    /** The response header's first value, or null. */
    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** Every line read so far, blank separators and comments included. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The text of every {@code data:} line so far (for fal's streams: one JSON status per event). */
    public List<String> events() {
        return lines.stream()
                .filter(l -> l.startsWith("data: "))
                .map(l -> l.substring(6))
                .toList();
    }

    /** Whether the server has closed the stream. */
    public boolean ended() {
        return ended;
    }
}
