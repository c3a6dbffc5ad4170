package dev.klingmcp.mock.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mock's model outputs: real H.264 MP4 clips whose duration and aspect ratio match the request.
 *
 * <p>Encoding a clip costs about a second of CPU, so each (duration, aspect ratio) pair is encoded once and kept in a cache
 * directory; later jobs, and later runs that reuse the directory, get the file instantly. Concurrent requests for the same
 * pair share one encoding (one future per key), and files are written under a temporary name then moved into place, so a
 * reader never sees a half-written clip even if two processes share the cache directory.
 *
 * <p>URLs are built from {@code baseUrl} at call time, because the mock's port is known only after it starts listening.
 */
public final class VideoLibrary implements AutoCloseable {

    public static final int MIN_SECONDS = 3;
    public static final int MAX_SECONDS = 15;
    public static final int DEFAULT_FPS = 10;
    /** Route prefix served by {@link CdnRoutes}; public (no auth), like fal's CDN. */
    public static final String PATH_PREFIX = "/cdn/videos/";
    /** fal names Kling outputs {@code output.mp4}; the mock keeps that name. */
    public static final String FILE_NAME = "output.mp4";

    public static final String CONTENT_TYPE = "video/mp4";
    /** Bump when the rendering changes so that stale cached clips are not served. */
    private static final String RENDER_VERSION = "r1";

    private static final Pattern KEY = Pattern.compile("(\\d{1,2})s-(16x9|9x16|1x1)");

    private final Path cacheDir;
    private final Supplier<String> baseUrl;
    private final int fps;
    private final long padToBytes;
    private final ExecutorService encoders;
    private final ConcurrentMap<String, CompletableFuture<Path>> clips = new ConcurrentHashMap<>();
    private final AtomicInteger encodeCount = new AtomicInteger();

    /** A library at {@link #DEFAULT_FPS}. {@code baseUrl} yields e.g. {@code http://127.0.0.1:8790} (no trailing slash needed). */
    public VideoLibrary(Path cacheDir, Supplier<String> baseUrl) {
        this(cacheDir, baseUrl, DEFAULT_FPS);
    }

    public VideoLibrary(Path cacheDir, Supplier<String> baseUrl, int fps) {
        this(cacheDir, baseUrl, fps, 0);
    }

    /**
     * A library whose clips are padded to at least {@code padToBytes} (0 = no padding): the encoded clip followed by one
     * MP4 {@code free} box, which players skip, written as a sparse file. Lets clients be tested on large downloads
     * (a 1 GiB output) without the mock encoding, storing or holding that much.
     */
    public VideoLibrary(Path cacheDir, Supplier<String> baseUrl, int fps, long padToBytes) {
        if (fps < 1 || fps > 30) {
            throw new IllegalArgumentException("fps must be 1..30, was " + fps);
        }
        if (padToBytes < 0) {
            throw new IllegalArgumentException("padToBytes must be >= 0, was " + padToBytes);
        }
        this.cacheDir = cacheDir;
        this.baseUrl = baseUrl;
        this.fps = fps;
        this.padToBytes = padToBytes;
        // Encoding is CPU-bound; two threads match the CI machine and keep distinct keys from queueing behind each
        // other.
        this.encoders = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "mock-fal-video-encoder");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The clip for {@code seconds} and {@code aspectRatio} ({@code "16:9"}, {@code "9:16"}, {@code "1:1"}; null means
     * fal's default {@code "16:9"}), encoding it first if needed. Blocks: never call it on a Vert.x event loop, use
     * {@link #videoForAsync} there.
     *
     * @throws IllegalArgumentException when seconds is outside 3..15 or the ratio is unknown
     */
    public MediaFile videoFor(int seconds, String aspectRatio) {
        try {
            return videoForAsync(seconds, aspectRatio).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    /** Non-blocking form of {@link #videoFor}; bad arguments fail the returned future. */
    public CompletableFuture<MediaFile> videoForAsync(int seconds, String aspectRatio) {
        final AspectRatio ratio;
        try {
            checkSeconds(seconds);
            ratio = aspectRatio == null ? AspectRatio.LANDSCAPE_16_9 : AspectRatio.parse(aspectRatio);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        String key = key(seconds, ratio);
        return clipFile(key, seconds, ratio).thenApply(file -> describe(key, file));
    }

    /** Where the CDN route finds a clip: only keys this library could have produced, and only once encoded. */
    public Optional<Path> cachedClip(String key) {
        Matcher matcher = KEY.matcher(key);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        CompletableFuture<Path> clip = clips.get(key);
        if (clip != null) {
            return clip.isDone() && !clip.isCompletedExceptionally() ? Optional.of(clip.join()) : Optional.empty();
        }
        Path file = fileFor(key);
        return isUsable(file) ? Optional.of(file) : Optional.empty();
    }

    /** How many clips this instance has actually encoded (cache hits do not count); for tests and the control API. */
    public int encodeCount() {
        return encodeCount.get();
    }

    @Override
    public void close() {
        encoders.shutdownNow();
    }

    private CompletableFuture<Path> clipFile(String key, int seconds, AspectRatio ratio) {
        CompletableFuture<Path> clip = clips.computeIfAbsent(
                key, k -> CompletableFuture.supplyAsync(() -> encodeUnlessCached(k, seconds, ratio), encoders));
        // A failed encoding must not poison the key forever: forget it so the next caller retries.
        // The callers get `clip` itself; the stage this returns only forgets a failed key, so nothing waits on it.
        CompletableFuture<Path> unused = clip.whenComplete((file, failure) -> {
            if (failure != null) {
                clips.remove(key, clip);
            }
        });
        return clip;
    }

    private Path encodeUnlessCached(String key, int seconds, AspectRatio ratio) {
        Path file = fileFor(key);
        if (isUsable(file)) {
            return file;
        }
        try {
            Files.createDirectories(cacheDir);
            Path partial = Files.createTempFile(cacheDir, key + "-", ".partial");
            try {
                SyntheticVideoEncoder.encode(partial, seconds, ratio, fps);
                FreeBoxPadding.padTo(partial, padToBytes);
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
            encodeCount.incrementAndGet();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode the " + key + " clip in " + cacheDir, e);
        }
    }

    private MediaFile describe(String key, Path file) {
        try {
            return new MediaFile(urlFor(key), CONTENT_TYPE, FILE_NAME, Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String urlFor(String key) {
        String base = baseUrl.get();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + PATH_PREFIX + key + "/" + FILE_NAME;
    }

    private Path fileFor(String key) {
        String padding = padToBytes > 0 ? "-pad" + padToBytes : "";
        return cacheDir.resolve("kling-" + key + "-" + fps + "fps-" + RENDER_VERSION + padding + ".mp4");
    }

    private static boolean isUsable(Path file) {
        try {
            return Files.isRegularFile(file) && Files.size(file) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static String key(int seconds, AspectRatio ratio) {
        return seconds + "s-" + ratio.slug();
    }

    private static void checkSeconds(int seconds) {
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("duration " + seconds + " s is not supported; allowed: " + MIN_SECONDS
                    + ".." + MAX_SECONDS + " seconds");
        }
    }
}
