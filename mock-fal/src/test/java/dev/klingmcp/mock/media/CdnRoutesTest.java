package dev.klingmcp.mock.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdnRoutesTest {

    @TempDir
    static Path cache;

    static Vertx vertx;
    static LocalServer server;
    static VideoLibrary library;
    static MediaFile clip;
    static byte[] clipBytes;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        LocalServer.LateBaseUrl lateUrl = new LocalServer.LateBaseUrl();
        library = new VideoLibrary(cache, lateUrl, 4);
        server = LocalServer.start(vertx, lateUrl, router -> CdnRoutes.mount(router, library));
        clip = library.videoFor(3, "16:9");
        clipBytes = Files.readAllBytes(library.cachedClip("3s-16x9").orElseThrow());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        library.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void servesTheWholeClipAtTheUrlInTheOutput() throws Exception {
        HttpResponse<byte[]> response = server.send(server.request(clip.url()).GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(response.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(clip.fileSize());
        assertThat(response.body()).isEqualTo(clipBytes);
    }

    @Test
    void answersASingleRangeWith206() throws Exception {
        HttpResponse<byte[]> response = server.send(
                server.request(clip.url()).header("Range", "bytes=100-199").GET());

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 100-199/" + clip.fileSize());
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(100);
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(clipBytes, 100, 200));
    }

    @Test
    void answersASuffixRangeWithTheTail() throws Exception {
        HttpResponse<byte[]> response = server.send(
                server.request(clip.url()).header("Range", "bytes=-16").GET());

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(clipBytes, clipBytes.length - 16, clipBytes.length));
    }

    @Test
    void answersAnImpossibleRangeWith416AndTheSize() throws Exception {
        HttpResponse<byte[]> response = server.send(server.request(clip.url())
                .header("Range", "bytes=" + clip.fileSize() + "-")
                .GET());

        assertThat(response.statusCode()).isEqualTo(416);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes */" + clip.fileSize());
        assertThat(new String(response.body(), StandardCharsets.UTF_8))
                .contains("cannot be satisfied")
                .contains(Long.toString(clip.fileSize()));
    }

    @Test
    void headReportsTheSizeWithoutABody() throws Exception {
        HttpResponse<byte[]> response =
                server.send(server.request(clip.url()).method("HEAD", HttpRequest.BodyPublishers.noBody()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(clip.fileSize());
        assertThat(response.body()).isEmpty();
    }

    @Test
    void unknownVideosAre404() throws Exception {
        assertThat(server.send(server.request("/cdn/videos/9s-16x9/output.mp4").GET())
                        .statusCode())
                .isEqualTo(404);
        assertThat(server.send(server.request("/cdn/videos/3s-16x9/other.mp4").GET())
                        .statusCode())
                .isEqualTo(404);
        assertThat(server.send(server.request("/cdn/videos/..%2F..%2Fpom.xml/output.mp4")
                                .GET())
                        .statusCode())
                .isEqualTo(404);
    }
}
