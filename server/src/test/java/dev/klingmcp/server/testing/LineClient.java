package dev.klingmcp.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A raw stdio client for transport tests: writes lines as given, and keeps every line the server writes. */
public final class LineClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Pipe toServer = new Pipe();

    private final Pipe toClient = new Pipe();

    private final LinkedBlockingQueue<JsonNode> incoming = new LinkedBlockingQueue<>();

    /** Everything received, in order. */
    private final List<JsonNode> received = new ArrayList<>();

    /** The responses {@link #response} returned already (by identity). */
    private final java.util.Set<JsonNode> claimed =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    public LineClient() {
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(toClient.source(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            incoming.add(JSON.readTree(line)); // a line that is not JSON fails the test here
                        }
                    } catch (IOException e) {
                        // closed
                    }
                },
                "line-client-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** The server's input. */
    public InputStream serverIn() {
        return toServer.source();
    }

    /** The server's output. */
    public OutputStream serverOut() {
        return toClient.sink();
    }

    public void send(String line) {
        try {
            toServer.sink().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            toServer.sink().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next message within {@code timeout}, or null. */
    public JsonNode next(Duration timeout) {
        try {
            JsonNode m = incoming.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (m != null) {
                synchronized (received) {
                    received.add(m);
                }
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The response with this id (given as JSON text, e.g. {@code 1} or {@code "a"}), failing after {@code timeout}. */
    public JsonNode response(String idJson, Duration timeout) {
        JsonNode id = read(idJson);
        synchronized (received) {
            for (JsonNode m : received) {
                if (!m.has("method") && id.equals(m.get("id")) && claimed.add(m)) {
                    return m;
                }
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode m = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (m != null && !m.has("method") && id.equals(m.get("id"))) {
                synchronized (received) {
                    claimed.add(m);
                }
                return m;
            }
        }
        throw new AssertionError("no response to id " + idJson + " within " + timeout + "; got " + received());
    }

    /** Every message taken so far (by {@link #next} or {@link #response}). */
    public List<JsonNode> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Ends the server's input. */
    @Override
    public void close() {
        try {
            toServer.sink().close();
        } catch (IOException e) {
            // already closed
        }
    }

    public static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
