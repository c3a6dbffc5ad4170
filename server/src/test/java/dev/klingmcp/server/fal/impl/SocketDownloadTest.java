package dev.klingmcp.server.fal.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket download against a loopback server: framing, headers sent, a cut-off body, an error answer, a stall. */
class SocketDownloadTest {

    @TempDir
    Path dir;

    private StubServer server;
    private ScheduledExecutorService timer;

    @BeforeEach
    void start() throws Exception {
        server = new StubServer();
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        server.close();
        timer.shutdownNow();
    }

    @Test
    void aChunkedBodyLandsWhole_withItsDigest_andTheRequestCarriesNoCredentials() throws Exception {
        byte[] video = new byte[2 * HashedFileWriter.BUFFER_SIZE + 4321];
        new Random(7).nextBytes(video);
        server.on("GET /files/out.mp4", (ex, n) -> {
            ex.sendResponseHeaders(200, 0); // 0 = chunked
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < video.length; i += 50_000) {
                    out.write(video, i, Math.min(50_000, video.length - i));
                }
            }
        });
        Path file = Files.createFile(dir.resolve("out.part"));

        SocketDownload.Outcome r = get("/files/out.mp4?sig=a%2Fb", file, Duration.ofSeconds(20));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentLength()).isEqualTo(-1);
        assertThat(r.saved().size()).isEqualTo(video.length);
        assertThat(Files.readAllBytes(file)).isEqualTo(video);
        assertThat(r.saved().sha256())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(video)));
        StubServer.Recorded request = server.requests.get(0);
        assertThat(request.query()).isEqualTo("sig=a%2Fb");
        assertThat(request.header("Host")).isEqualTo(server.base().getAuthority());
        assertThat(request.header("Authorization")).isNull();
        assertThat(request.headers().keySet())
                .map(String::toLowerCase)
                .containsExactlyInAnyOrder("host", "user-agent", "accept-encoding", "connection");
    }

    @Test
    void aBodyCutShortFails() throws Exception {
        server.on("GET /short", (ex, n) -> {
            ex.sendResponseHeaders(200, 1_000_000);
            ex.getResponseBody().write(new byte[1000]);
            ex.getHttpContext().getServer().stop(0); // the connection goes away mid-body
        });

        assertThatThrownBy(() -> get("/short", Files.createFile(dir.resolve("short.part")), Duration.ofSeconds(20)))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("of 1000000 bytes");
    }

    @Test
    void anErrorAnswerKeepsItsStatusHeadersAndText() throws Exception {
        server.on(
                "GET /gone", (ex, n) -> StubServer.send(ex, 404, "{\"detail\":\"no such file\"}", "Retry-After", "3"));

        SocketDownload.Outcome r = get("/gone", Files.createFile(dir.resolve("gone.part")), Duration.ofSeconds(20));

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.saved()).isNull();
        assertThat(r.errorText()).isEqualTo("{\"detail\":\"no such file\"}");
        assertThat(r.headers().firstValue("retry-after")).contains("3");
    }

    @Test
    void aStalledServerEndsTheDownloadAtItsDeadline() throws Exception {
        server.on("GET /stall", (ex, n) -> {
            ex.sendResponseHeaders(200, 10);
            ex.getResponseBody().write(new byte[3]);
            ex.getResponseBody().flush();
            try {
                Thread.sleep(20_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> get("/stall", Files.createFile(dir.resolve("stall.part")), Duration.ofMillis(500)))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    private SocketDownload.Outcome get(String path, Path file, Duration deadline) throws Exception {
        return SocketDownload.get(URI.create(server.base() + path), file, Duration.ofSeconds(5), deadline, timer);
    }
}
