package dev.klingmcp.server.fal.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.config.FalKey;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway;
import dev.klingmcp.server.fal.FalStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gateway behaviour that needs exact control over the answers: retry rules, key handling, SSE framing, multipart. */
class HttpFalGatewayStubTest {

    static final String KEY = StubFalConfig.KEY;
    static final FalEndpoint PRO = FalEndpoints.load().require("o3/pro/reference-to-video");
    static final String REQ = "019fd35a-6f0c-7b33-b913-f9460e1b6511";
    static final String STATUS_PATH = "/fal-ai/kling-video/requests/" + REQ + "/status";
    final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    StubServer fal;
    StubServer elsewhere;
    HttpFalGateway gateway;

    @BeforeEach
    void start() throws IOException {
        fal = new StubServer();
        elsewhere = new StubServer();
        gateway = new HttpFalGateway(config(fal.base()), new HttpFalGateway.Tuning(1000, 400));
    }

    @AfterEach
    void stop() {
        gateway.close();
        fal.close();
        elsewhere.close();
    }

    private ServerConfig config(URI base) {
        return StubFalConfig.against(base, dir);
    }

    private ObjectNode input() {
        ObjectNode in = json.createObjectNode();
        in.put("prompt", "A fox walks through snow");
        in.put("duration", "5");
        return in;
    }

    private static String queued(String status) {
        return "{\"status\":\"" + status + "\",\"request_id\":\"" + REQ + "\",\"queue_position\":0}";
    }

    @Test
    void submitSendsTheKeyToFalAndTheInputAsIs() throws Exception {
        fal.on(
                "POST /fal-ai/kling-video/o3/pro/reference-to-video",
                (ex, n) -> StubServer.send(ex, 200, queued("IN_QUEUE")));
        FalStatus s = gateway.submit(PRO, input(), "https://hooks.example/cb");
        assertThat(s.requestId()).isEqualTo(REQ);
        StubServer.Recorded r = fal.requests.get(0);
        assertThat(r.header("Authorization")).isEqualTo("Key " + KEY);
        assertThat(r.query()).contains("fal_webhook=https%3A%2F%2Fhooks.example%2Fcb");
        assertThat(json.readTree(r.body()).path("prompt").asText()).isEqualTo("A fox walks through snow");
        assertThat(json.readTree(r.body()).path("duration").asText()).isEqualTo("5");
    }

    @Test
    void submitIsRetriedOnIngressErrorsWithoutRequestIdAndOn429() {
        fal.on("POST /fal-ai/kling-video/o3/pro/reference-to-video", (ex, n) -> {
            switch (n) {
                case 1 -> StubServer.send(ex, 502, "<html>nginx bad gateway</html>");
                case 2 -> StubServer.send(ex, 429, "{\"detail\":\"rate limited\"}", "Retry-After", "0");
                case 3 -> StubServer.send(ex, 503, "<html>nginx</html>");
                default -> StubServer.send(ex, 200, queued("IN_QUEUE"));
            }
        });
        assertThat(gateway.submit(PRO, input(), null).requestId()).isEqualTo(REQ);
        assertThat(fal.calls("POST /fal-ai/kling-video/o3/pro/reference-to-video"))
                .isEqualTo(4);
    }

    @Test
    void submitIsNotRetriedWhenFalMayHaveAcceptedIt() {
        String route = "POST /fal-ai/kling-video/o3/pro/reference-to-video";
        fal.on(route, (ex, n) -> StubServer.send(ex, 503, "{\"detail\":\"runner\"}", "x-fal-request-id", REQ));
        assertThatThrownBy(() -> gateway.submit(PRO, input(), null))
                .isInstanceOf(FalException.class)
                .satisfies(e -> assertThat(((FalException) e).status()).isEqualTo(503));
        assertThat(fal.calls(route)).isEqualTo(1);

        fal.on(
                route,
                (ex, n) -> StubServer.send(
                        ex, 504, "{\"detail\":\"Request timed out\"}", "X-Fal-Request-Timeout-Type", "user"));
        assertThatThrownBy(() -> gateway.submit(PRO, input(), null)).isInstanceOf(FalException.class);
        assertThat(fal.calls(route)).isEqualTo(2);

        fal.on(
                route,
                (ex, n) -> StubServer.send(ex, 500, "{\"detail\":\"internal\",\"error_type\":\"internal_error\"}"));
        assertThatThrownBy(() -> gateway.submit(PRO, input(), null))
                .satisfies(e -> assertThat(((FalException) e).errorType()).isEqualTo("internal_error"));
        assertThat(fal.calls(route)).isEqualTo(3);
    }

    @Test
    void submitToAPortNobodyListensOnIsRetriedThenReportedAsNotConnected() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (HttpFalGateway g = new HttpFalGateway(config(URI.create("http://127.0.0.1:" + closedPort)))) {
            assertThatThrownBy(() -> g.submit(PRO, input(), null))
                    .isInstanceOf(FalException.class)
                    .satisfies(e -> assertThat(((FalException) e).kind()).isEqualTo(FalException.Kind.NOT_CONNECTED));
            assertThat(g.retryCount()).isEqualTo(3);
        }
    }

    @Test
    void statusIsRetriedOn5xxButARetryAfterLongerThanTheMaximumDelayEndsRetrying() {
        fal.on("GET " + STATUS_PATH, (ex, n) -> {
            if (n <= 2) {
                StubServer.send(ex, 500, "{\"detail\":\"oops\"}", "x-fal-request-id", REQ);
            } else {
                StubServer.send(ex, 202, queued("IN_QUEUE"));
            }
        });
        assertThat(gateway.status(PRO, REQ, true).state()).isEqualTo(FalStatus.State.IN_QUEUE);
        assertThat(fal.requests.get(0).query()).isEqualTo("logs=1");

        fal.on(
                "GET " + STATUS_PATH,
                (ex, n) -> StubServer.send(ex, 429, "{\"detail\":\"slow down\"}", "Retry-After", "120"));
        int before = fal.calls("GET " + STATUS_PATH);
        assertThatThrownBy(() -> gateway.status(PRO, REQ, true))
                .satisfies(e -> assertThat(((FalException) e).retryAfter()).isEqualTo(Duration.ofMinutes(2)));
        assertThat(fal.calls("GET " + STATUS_PATH)).isEqualTo(before + 1);
    }

    @Test
    void theKeyNeverAppearsInExceptionMessagesEvenWhenFalEchoesIt() {
        fal.on(
                "GET /fal-ai/kling-video/requests/" + REQ,
                (ex, n) -> StubServer.send(
                        ex,
                        422,
                        "{\"detail\":[{\"loc\":[\"body\",\"prompt\"],\"msg\":\"bad key " + KEY + " and "
                                + KEY.substring(KEY.indexOf(':') + 1) + "\",\"type\":\"value_error\"}]}"));
        assertThatThrownBy(() -> gateway.result(PRO, REQ))
                .isInstanceOf(FalException.class)
                .satisfies(e -> {
                    FalException f = (FalException) e;
                    assertThat(f.isValidationError()).isTrue();
                    assertThat(f.getMessage())
                            .contains("body.prompt")
                            .doesNotContain("stub-secret-0123456789")
                            .doesNotContain("stub-key-id-0001");
                    assertThat(f.errorType()).isEqualTo("value_error");
                });
    }

    @Test
    void theKeyGoesOnlyToTheConfiguredFalOrigin() throws Exception {
        byte[] video = "not really an mp4".getBytes(StandardCharsets.UTF_8);
        elsewhere.on("GET /files/out.mp4", (ex, n) -> {
            ex.sendResponseHeaders(200, video.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(video);
            }
        });
        FalGateway.DownloadedFile f =
                gateway.download(elsewhere.base() + "/files/out.mp4", dir.resolve("out/video.mp4"));
        assertThat(elsewhere.requests.get(0).header("Authorization")).isNull();
        assertThat(Files.readAllBytes(f.path())).isEqualTo(video);
        assertThat(f.sha256())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(video)));
        assertThat(f.size()).isEqualTo(video.length);
        try (var files = Files.list(dir.resolve("out"))) {
            assertThat(files).containsExactly(dir.resolve("out/video.mp4")); // no leftover temp file
        }

        FalAuth auth = new FalAuth(FalKey.of(KEY), java.util.Set.of(URI.create("https://queue.fal.run")));
        assertThat(auth.isFalOrigin(URI.create("https://queue.fal.run/fal-ai/x")))
                .isTrue();
        assertThat(auth.isFalOrigin(URI.create("https://QUEUE.fal.run:443/x"))).isTrue();
        assertThat(auth.isFalOrigin(URI.create("http://queue.fal.run/x"))).isFalse();
        assertThat(auth.isFalOrigin(URI.create("https://queue.fal.run.evil.example/x")))
                .isFalse();
        assertThat(auth.isFalOrigin(URI.create("https://v3b.fal.media/files/x.mp4")))
                .isFalse();
    }

    @Test
    void cancelOutcomesAreMappedFromFalsAnswers() {
        String route = "PUT /fal-ai/kling-video/requests/" + REQ + "/cancel";
        fal.on(route, (ex, n) -> StubServer.send(ex, 202, "{\"status\":\"CANCELLATION_REQUESTED\"}"));
        assertThat(gateway.cancel(PRO, REQ)).isEqualTo(FalGateway.FalCancel.CANCELLATION_REQUESTED);
        fal.on(route, (ex, n) -> StubServer.send(ex, 400, "{\"status\":\"ALREADY_COMPLETED\"}"));
        assertThat(gateway.cancel(PRO, REQ)).isEqualTo(FalGateway.FalCancel.ALREADY_COMPLETED);
        fal.on(route, (ex, n) -> StubServer.send(ex, 404, "{\"detail\":\"Request not found\"}"));
        assertThat(gateway.cancel(PRO, REQ)).isEqualTo(FalGateway.FalCancel.NOT_FOUND);
    }

    @Test
    void sseEventsArePassedOnPingsIgnoredAndTheStreamEndsAtCompleted() {
        fal.on("GET " + STATUS_PATH + "/stream", (ex, n) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(("data: " + queued("IN_QUEUE") + "\n\n: ping\n\n"
                                + "data: {\"status\":\"IN_PROGRESS\",\"request_id\":\"" + REQ
                                + "\",\"logs\":[{\"message\":\"frame 1\"}]}\n\n"
                                + "data: {\"status\":\"COMPLETED\",\"request_id\":\"" + REQ
                                + "\",\"metrics\":{\"inference_time\":3.5}}\n\n"
                                + "data: {\"status\":\"IN_PROGRESS\",\"request_id\":\"after-completed-is-ignored\"}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        });
        List<FalStatus> events = new ArrayList<>();
        assertThat(gateway.streamStatus(PRO, REQ, Duration.ofSeconds(20), events::add))
                .isEqualTo(FalGateway.StreamEnd.COMPLETED);
        assertThat(events)
                .extracting(FalStatus::state)
                .containsExactly(FalStatus.State.IN_QUEUE, FalStatus.State.IN_PROGRESS, FalStatus.State.COMPLETED);
        assertThat(events.get(1).logs().get(0).message()).isEqualTo("frame 1");
        StubServer.Recorded r = fal.requests.get(0);
        assertThat(r.query()).isEqualTo("logs=1");
        assertThat(r.header("Accept")).isEqualTo("text/event-stream");
        assertThat(r.header("Authorization")).isEqualTo("Key " + KEY);
    }

    @Test
    void aSilentStreamIsReopenedAndTheWaitEndsAtTheDeadline() {
        fal.on("GET " + STATUS_PATH + "/stream", (ex, n) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream o = ex.getResponseBody();
            o.write(("data: " + queued("IN_QUEUE") + "\n\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
            try {
                Thread.sleep(5_000); // then nothing: no event, no ping
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<FalStatus> events = new ArrayList<>();
        // idle timeout 300 ms (config above), deadline 1.5 s: the stream must be reopened at least once.
        assertThat(gateway.streamStatus(PRO, REQ, Duration.ofMillis(1500), events::add))
                .isEqualTo(FalGateway.StreamEnd.DEADLINE);
        assertThat(fal.calls("GET " + STATUS_PATH + "/stream")).isGreaterThanOrEqualTo(2);
        assertThat(events).isNotEmpty().allMatch(e -> e.state() == FalStatus.State.IN_QUEUE);
    }

    @Test
    void largeFilesGoMultipartInPartsStreamedFromDiskWithoutTheKey() throws Exception {
        byte[] content = new byte[2_345];
        new Random(7).nextBytes(content);
        Path file = dir.resolve("clip.mp4");
        Files.write(file, content);
        fal.acceptMultipartUpload().on("PUT /_upload/multi/abc/", (ex, n) -> {
            String part = ex.getRequestURI().getPath().substring("/_upload/multi/abc/".length());
            StubServer.send(ex, 200, "{\"partNumber\":" + part + ",\"etag\":\"etag-" + part + "\"}");
        });

        FalGateway.UploadedFile up = gateway.upload(file, "video/mp4", "clip.mp4");

        assertThat(up).isEqualTo(new FalGateway.UploadedFile("https://cdn.example/abc/clip.mp4", 6));
        List<StubServer.Recorded> parts =
                fal.requests.stream().filter(r -> r.method().equals("PUT")).toList();
        // Parts travel several at a time, so they may arrive in any order; fal joins them by number.
        assertThat(parts)
                .extracting(StubServer.Recorded::path)
                .containsExactlyInAnyOrder(
                        "/_upload/multi/abc/1",
                        "/_upload/multi/abc/2",
                        "/_upload/multi/abc/3",
                        "/_upload/multi/abc/4",
                        "/_upload/multi/abc/5",
                        "/_upload/multi/abc/6");
        assertThat(parts).allMatch(r -> "sig=xyz".equals(r.query()) && r.header("Authorization") == null);
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
        for (int n = 1; n <= 6; n++) {
            String path = "/_upload/multi/abc/" + n;
            joined.write(parts.stream()
                    .filter(r -> r.path().equals(path))
                    .findFirst()
                    .orElseThrow()
                    .body());
        }
        assertThat(joined.toByteArray()).isEqualTo(content);
        StubServer.Recorded complete = fal.requests.get(fal.requests.size() - 1);
        assertThat(complete.path()).isEqualTo("/_upload/multi/abc/complete");
        JsonNode listed = json.readTree(complete.body()).path("parts");
        assertThat(listed).hasSize(6);
        for (int n = 1; n <= 6; n++) {
            assertThat(listed.get(n - 1).path("partNumber").asInt()).isEqualTo(n);
            assertThat(listed.get(n - 1).path("etag").asText()).isEqualTo("etag-" + n);
        }
        assertThat(fal.requests.get(0).header("Authorization")).isEqualTo("Key " + KEY);
    }

    @Test
    void smallFilesGoInOnePut() throws Exception {
        Path file = dir.resolve("face.png");
        Files.write(file, new byte[] {1, 2, 3});
        fal.on(
                "POST /storage/upload/initiate",
                (ex, n) -> StubServer.send(
                        ex,
                        200,
                        "{\"upload_url\":\"" + fal.base()
                                + "/_upload/one?sig=1\",\"file_url\":\"https://cdn.example/face.png\"}"));
        fal.on("PUT /_upload/one", (ex, n) -> StubServer.send(ex, 200, ""));
        assertThat(gateway.upload(file, "image/png", "face.png").parts()).isEqualTo(1);
        StubServer.Recorded init = fal.requests.get(0);
        assertThat(init.query()).isEqualTo("storage_type=fal-cdn-v3");
        assertThat(json.readTree(init.body()).path("file_name").asText()).isEqualTo("face.png");
        StubServer.Recorded put = fal.requests.get(1);
        assertThat(put.body()).containsExactly(1, 2, 3);
        assertThat(put.header("Content-Type")).isEqualTo("image/png");
    }
}
