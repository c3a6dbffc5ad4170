package dev.klingmcp.mock.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.klingmcp.testing.video.Mp4Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jcodec.common.Codec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VideoLibraryTest {

    @TempDir
    Path cache;

    @ParameterizedTest(name = "{0} s at {1}")
    @CsvSource({"5, 16:9, 320, 180", "3, 9:16, 180, 320", "4, 1:1, 240, 240"})
    void encodesARealH264ClipWithTheRequestedDurationAndShape(int seconds, String ratio, int width, int height)
            throws Exception {
        try (VideoLibrary library = new VideoLibrary(cache, () -> "http://127.0.0.1:1234")) {
            MediaFile media = library.videoFor(seconds, ratio);

            Path file =
                    library.cachedClip(seconds + "s-" + ratio.replace(':', 'x')).orElseThrow();
            Mp4Probe probe = Mp4Probe.of(file);
            assertThat(probe.codec()).isEqualTo(Codec.H264);
            assertThat(probe.durationSeconds()).isCloseTo(seconds, within(0.01));
            assertThat(probe.declaredFrames()).isEqualTo(seconds * VideoLibrary.DEFAULT_FPS);
            assertThat(probe.decodedFrames()).isEqualTo(probe.declaredFrames());
            assertThat(probe.width()).isEqualTo(width);
            assertThat(probe.height()).isEqualTo(height);
            assertThat(probe.distinctFrames())
                    .as("a moving picture, not one frame repeated")
                    .isEqualTo(probe.decodedFrames());

            assertThat(media.contentType()).isEqualTo("video/mp4");
            assertThat(media.fileName()).isEqualTo("output.mp4");
            assertThat(media.fileSize()).isEqualTo(Files.size(file));
            assertThat(media.url())
                    .isEqualTo("http://127.0.0.1:1234/cdn/videos/" + seconds + "s-" + ratio.replace(':', 'x')
                            + "/output.mp4");
            assertThat(media.toFalJson()).containsOnlyKeys("url", "content_type", "file_name", "file_size");
        }
    }

    @Test
    void encodesEachKeyOnceAndReusesTheDiskCacheAcrossInstances() throws Exception {
        try (VideoLibrary first = new VideoLibrary(cache, () -> "http://a", 4)) {
            MediaFile once = first.videoFor(3, "1:1");
            MediaFile again = first.videoFor(3, "1:1");
            assertThat(again).isEqualTo(once);
            assertThat(first.encodeCount()).isEqualTo(1);
        }
        try (VideoLibrary second = new VideoLibrary(cache, () -> "http://b/", 4)) {
            MediaFile fromDisk = second.videoFor(3, "1x1");
            assertThat(second.encodeCount()).isZero();
            assertThat(fromDisk.url()).isEqualTo("http://b/cdn/videos/3s-1x1/output.mp4");
        }
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".partial"));
        }
    }

    @Test
    void concurrentRequestsForOneKeyEncodeItOnce() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try (VideoLibrary library = new VideoLibrary(cache, () -> "http://x", 4)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<MediaFile>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(callers.submit(() -> {
                    start.await();
                    return library.videoFor(3, "9:16");
                }));
            }
            start.countDown();
            for (Future<MediaFile> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS).fileSize()).isPositive();
            }
            assertThat(library.encodeCount()).isEqualTo(1);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void rejectsDurationsAndRatiosKlingDoesNotOffer() {
        try (VideoLibrary library = new VideoLibrary(cache, () -> "http://x")) {
            assertThatThrownBy(() -> library.videoFor(2, "16:9"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("3..15");
            assertThatThrownBy(() -> library.videoFor(16, "16:9")).hasMessageContaining("3..15");
            assertThatThrownBy(() -> library.videoFor(5, "4:3"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("16:9, 9:16, 1:1");
            CompletableFuture<MediaFile> async = library.videoForAsync(5, "21:9");
            assertThat(async).isCompletedExceptionally();
            assertThat(library.encodeCount()).isZero();
        }
    }

    @Test
    void nullRatioMeansFalsDefaultLandscape() {
        try (VideoLibrary library = new VideoLibrary(cache, () -> "http://x", 4)) {
            assertThat(library.videoFor(3, null).url()).endsWith("/3s-16x9/output.mp4");
        }
    }

    @Test
    void onlyServesKeysItCouldHaveProduced() {
        try (VideoLibrary library = new VideoLibrary(cache, () -> "http://x", 4)) {
            assertThat(library.cachedClip("../../etc/passwd")).isEmpty();
            assertThat(library.cachedClip("5s-16x9")).as("not encoded yet").isEmpty();
        }
    }

    @Test
    void paddedClipsHaveTheRequestedSizeAndStayPlayable() throws Exception {
        long eightMiB = 8L << 20;
        try (VideoLibrary library = new VideoLibrary(cache, () -> "http://x", 4, eightMiB)) {
            MediaFile media = library.videoFor(3, "16:9");

            Path file = library.cachedClip("3s-16x9").orElseThrow();
            assertThat(Files.size(file)).isEqualTo(eightMiB);
            assertThat(media.fileSize()).isEqualTo(eightMiB);
            Mp4Probe probe = Mp4Probe.of(file);
            assertThat(probe.durationSeconds()).isCloseTo(3, within(0.01));
            assertThat(probe.decodedFrames()).isEqualTo(3 * 4);
        }
        try (VideoLibrary plain = new VideoLibrary(cache, () -> "http://x", 4)) {
            assertThat(plain.videoFor(3, "16:9").fileSize())
                    .as("a padded clip is cached under its own name, never served as the plain one")
                    .isLessThan(eightMiB);
        }
    }
}
