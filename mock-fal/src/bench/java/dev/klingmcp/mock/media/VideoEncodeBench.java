package dev.klingmcp.mock.media;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Benchmark, not a test: cold encode time per (duration, ratio) and the cache-hit time, in a fresh cache directory.
 * Run: {@code bench/run video-encode}.
 */
public final class VideoEncodeBench {

    private VideoEncodeBench() {}

    public static void main(String[] args) throws Exception {
        Path cache = Files.createTempDirectory("video-bench");
        try (VideoLibrary library = new VideoLibrary(cache, () -> "http://127.0.0.1:1")) {
            library.videoFor(3, "1:1"); // JIT warm-up, not reported
            for (String ratio : new String[] {"16:9", "9:16"}) {
                for (int seconds : new int[] {5, 10, 15}) {
                    long start = System.nanoTime();
                    MediaFile clip = library.videoFor(seconds, ratio);
                    double coldMs = (System.nanoTime() - start) / 1e6;
                    long[] hits = new long[101];
                    for (int i = 0; i < hits.length; i++) {
                        long hit = System.nanoTime();
                        library.videoFor(seconds, ratio);
                        hits[i] = System.nanoTime() - hit;
                    }
                    java.util.Arrays.sort(hits);
                    System.out.printf(
                            "%2d s %-5s cold %6.0f ms  %7d bytes  cache hit median %.1f us%n",
                            seconds, ratio, coldMs, clip.fileSize(), hits[hits.length / 2] / 1e3);
                }
            }
        }
    }
}
