package dev.klingmcp.server.fal.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage uploads with parts in flight together, and downloads hashed beside the writer, against a stub whose answers
 * the tests choose: every part lands once under its number and is listed in order, a failing part is resent or fails
 * the whole upload (never a {@code complete} with a hole), and a download is whole with its digest or not there at all.
 */
class TransfersStubTest {

    final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    StubServer fal;
    HttpFalGateway gateway;

    @BeforeEach
    void start() throws IOException {
        fal = new StubServer();
        gateway = new HttpFalGateway(StubFalConfig.against(fal.base(), dir), new HttpFalGateway.Tuning(1000, 400));
    }

    @AfterEach
    void stop() {
        gateway.close();
        fal.close();
    }

    private Path multipartFixture(int bytes) throws IOException {
        byte[] content = new byte[bytes];
        new Random(11).nextBytes(content);
        Path file = dir.resolve("clip.mp4");
        Files.write(file, content);
        fal.acceptMultipartUpload();
        return file;
    }

    private static String partOf(HttpExchange ex) {
        return ex.getRequestURI().getPath().substring("/_upload/multi/abc/".length());
    }

    @Test
    void partsTravelSeveralAtATimeButNeverMoreThanTheLimit() throws Exception {
        Path file = multipartFixture(4_000); // 10 parts of 400 bytes
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        fal.on("PUT /_upload/multi/abc/", (ex, n) -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(150); // long enough for the other parts in flight to arrive meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            StubServer.send(ex, 200, "{\"partNumber\":" + partOf(ex) + ",\"etag\":\"e" + partOf(ex) + "\"}");
        });

        assertThat(gateway.upload(file, "video/mp4", "clip.mp4").parts()).isEqualTo(10);

        assertThat(most.get()).isGreaterThan(1).isLessThanOrEqualTo(StorageUploader.PARTS_IN_FLIGHT);
        StubServer.Recorded complete = fal.requests.get(fal.requests.size() - 1);
        assertThat(complete.path()).isEqualTo("/_upload/multi/abc/complete");
        List<Integer> order = new ArrayList<>();
        json.readTree(complete.body())
                .path("parts")
                .forEach(p -> order.add(p.path("partNumber").asInt()));
        assertThat(order).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void aPartThatFailsOnceIsResentWithTheSameBytes() throws Exception {
        Path file = multipartFixture(2_000); // 5 parts
        AtomicInteger part3 = new AtomicInteger();
        fal.on("PUT /_upload/multi/abc/", (ex, n) -> {
            if (partOf(ex).equals("3") && part3.incrementAndGet() == 1) {
                StubServer.send(ex, 503, "{\"detail\":\"busy\"}");
                return;
            }
            StubServer.send(ex, 200, "{\"partNumber\":" + partOf(ex) + ",\"etag\":\"e" + partOf(ex) + "\"}");
        });

        assertThat(gateway.upload(file, "video/mp4", "clip.mp4").parts()).isEqualTo(5);

        List<StubServer.Recorded> thirds = fal.requests.stream()
                .filter(r -> r.path().equals("/_upload/multi/abc/3"))
                .toList();
        assertThat(thirds).hasSize(2);
        byte[] expected = Arrays.copyOfRange(Files.readAllBytes(file), 800, 1200);
        assertThat(thirds).allSatisfy(r -> assertThat(r.body()).isEqualTo(expected));
        assertThat(fal.calls("POST /_upload/multi/abc/complete")).isEqualTo(1);
    }

    @Test
    void aPartThatKeepsFailingFailsTheUploadClearlyAndNothingIsCompleted() throws Exception {
        Path file = multipartFixture(4_000);
        fal.on("PUT /_upload/multi/abc/", (ex, n) -> {
            if (partOf(ex).equals("7")) {
                StubServer.send(ex, 500, "{\"detail\":\"disk full\"}");
                return;
            }
            StubServer.send(ex, 200, "{\"partNumber\":" + partOf(ex) + ",\"etag\":\"e" + partOf(ex) + "\"}");
        });

        assertThatThrownBy(() -> gateway.upload(file, "video/mp4", "clip.mp4"))
                .isInstanceOf(FalException.class)
                .hasMessageContaining("storage part 7")
                .hasMessageContaining("500");
        assertThat(fal.calls("PUT /_upload/multi/abc/")).isGreaterThanOrEqualTo(4); // part 7 was retried
        assertThat(fal.calls("POST /_upload/multi/abc/complete")).isZero();
    }

    @Test
    void aPartWithoutAnEtagFailsTheUpload() throws Exception {
        Path file = multipartFixture(2_000);
        fal.on("PUT /_upload/multi/abc/", (ex, n) -> StubServer.send(ex, 200, "{\"ok\":true}"));

        assertThatThrownBy(() -> gateway.upload(file, "video/mp4", "clip.mp4"))
                .isInstanceOf(FalException.class)
                .hasMessageContaining("no etag");
        assertThat(fal.calls("POST /_upload/multi/abc/complete")).isZero();
    }

    @Test
    void aDownloadLandsWhole_withItsDigest_andAFailedOneLeavesNoFile() throws Exception {
        byte[] video = new byte[3 * (1 << 20) + 12_345];
        new Random(5).nextBytes(video);
        fal.on("GET /out/ok.mp4", (ex, n) -> {
            ex.sendResponseHeaders(200, video.length);
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < video.length; i += 7_001) { // many small writes: the sink sees many buffers
                    out.write(video, i, Math.min(7_001, video.length - i));
                }
            }
        });
        fal.on("GET /out/missing.mp4", (ex, n) -> StubServer.send(ex, 404, "{\"detail\":\"no such file\"}"));
        Path target = dir.resolve("videos/ok.mp4");

        FalGateway.DownloadedFile saved = gateway.download(fal.base() + "/out/ok.mp4", target);

        assertThat(saved.size()).isEqualTo(video.length);
        assertThat(Files.readAllBytes(target)).isEqualTo(video);
        assertThat(saved.sha256())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(video)));
        assertThatThrownBy(() -> gateway.download(fal.base() + "/out/missing.mp4", dir.resolve("videos/missing.mp4")))
                .isInstanceOf(FalException.class)
                .hasMessageContaining("404")
                .hasMessageContaining("no such file");
        try (var left = Files.list(dir.resolve("videos"))) {
            assertThat(left).extracting(p -> p.getFileName().toString()).containsExactly("ok.mp4");
        }
    }
}
