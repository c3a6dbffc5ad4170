package dev.klingmcp.contract.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The proxy in front of the mock must be invisible to clients: bodies intact, streams live, URLs leading back to it. */
class RecordingProxyTest {

    private static Vertx vertx;
    private static HttpServer upstream;
    private static RecordingProxy proxy;
    private static final AtomicReference<String> uploadedSha = new AtomicReference<>();
    private static final AtomicReference<HttpServerResponse> openStream = new AtomicReference<>();
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final byte[] BLOB = new byte[3 * 1024 * 1024 + 17];

    @BeforeAll
    static void start() {
        new Random(7).nextBytes(BLOB);
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer()
                .requestHandler(request -> {
                    String self = "http://127.0.0.1:" + request.localAddress().port();
                    switch (request.path()) {
                        case "/json" -> request.response()
                                .putHeader("content-type", "application/json")
                                .putHeader("x-fal-request-id", "r1")
                                .end("{\"status_url\":\"" + self + "/status\"}");
                        case "/sse" -> {
                            // The rest goes out only when the test says so: the client must get the first event before
                            // the end.
                            openStream.set(request.response());
                            request.response().setChunked(true).putHeader("content-type", "text/event-stream");
                            request.response().write("data: {\"status\":\"IN_QUEUE\",\"url\":\"" + self + "/x\"}\n\n");
                        }
                        case "/blob" -> request.response()
                                .putHeader("content-type", "video/mp4")
                                .end(Buffer.buffer(BLOB));
                        case "/upload" -> request.body().onSuccess(body -> {
                            uploadedSha.set(sha256(body.getBytes()));
                            request.response().setStatusCode(204).end();
                        });
                        default -> request.response().setStatusCode(404).end();
                    }
                })
                .listen(0, "127.0.0.1")
                .await();
        proxy = RecordingProxy.start(vertx, "http://127.0.0.1:" + upstream.actualPort());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        upstream.close().await();
        vertx.close().await();
    }

    @Test
    void rewritesTheUpstreamOriginInJsonAndRecordsTheExchange() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("{\"status_url\":\"" + proxy.baseUrl() + "/status\"}");
        assertThat(response.headers().firstValue("x-fal-request-id")).hasValue("r1");
        assertThat(proxy.exchanges()).anySatisfy(exchange -> {
            assertThat(exchange.path()).isEqualTo("/json");
            assertThat(exchange.headers()).containsEntry("x-fal-request-id", "r1");
            assertThat(exchange.bodyText()).contains(proxy.baseUrl());
        });
    }

    @Test
    void forwardsEventStreamEventsAsTheyComeAndRecordsTheWholeStream() throws Exception {
        HttpResponse<InputStream> response = http.send(
                HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/sse")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            String first = readUntilBlankLine(in);
            assertThat(first).startsWith("data: {\"status\":\"IN_QUEUE\"").contains(proxy.baseUrl() + "/x");
            assertThat(proxy.exchanges())
                    .noneSatisfy(exchange -> assertThat(exchange.path()).isEqualTo("/sse"));
            assertThat(proxy.liveStreams()).singleElement().asString().contains("IN_QUEUE");
            HttpServerResponse upstreamStream = openStream.get();
            vertx.runOnContext(v -> upstreamStream
                    .write(": ping\n\n")
                    .compose(written -> upstreamStream.end("data: {\"status\":\"COMPLETED\"}\n\n")));
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .contains(": ping")
                    .contains("COMPLETED");
        }
        assertThat(proxy.exchanges()).anySatisfy(exchange -> {
            assertThat(exchange.path()).isEqualTo("/sse");
            assertThat(exchange.bodyText()).contains("IN_QUEUE").contains("COMPLETED");
        });
    }

    @Test
    void pipesBinaryBodiesBothWaysUnchanged() throws Exception {
        HttpResponse<byte[]> download = http.send(
                HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/blob")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(sha256(download.body())).isEqualTo(sha256(BLOB));
        assertThat(proxy.exchanges()).anySatisfy(exchange -> {
            assertThat(exchange.path()).isEqualTo("/blob");
            assertThat(exchange.body()).isNull();
            assertThat(exchange.bodyBytes()).isEqualTo(BLOB.length);
        });

        HttpResponse<Void> upload = http.send(
                HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/upload"))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(BLOB))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(upload.statusCode()).isEqualTo(204);
        assertThat(uploadedSha.get()).isEqualTo(sha256(BLOB));
    }

    private static String readUntilBlankLine(InputStream in) throws Exception {
        StringBuilder text = new StringBuilder();
        while (!text.toString().endsWith("\n\n")) {
            int next = in.read();
            if (next < 0) {
                break;
            }
            text.append((char) next);
        }
        return text.toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
