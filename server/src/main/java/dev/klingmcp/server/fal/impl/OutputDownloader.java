package dev.klingmcp.server.fal.impl;

import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway.DownloadedFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Streams an output video to disk: into a temporary file beside the target (written as it arrives, hashed on a second
 * thread), then moved into place, so a crash or a broken connection never leaves a half file under the final name. No
 * key is sent: output URLs live on fal's CDN, not on the API hosts.
 *
 * <p>A direct connection goes through {@link SocketDownload} (a blocking read, the cheapest per byte); when the JDK's
 * proxy settings name a proxy for the URL, {@code java.net.http} does the download ({@link DownloadSink}), as it
 * handles proxy tunnels and proxy authentication.
 */
final class OutputDownloader {

    private final HttpClient http;
    private final FalErrors errors;
    private final FalRetries retries;
    private final Duration connectTimeout;
    private final Duration transferTimeout;
    private final ScheduledExecutorService timer;

    OutputDownloader(
            HttpClient http,
            FalErrors errors,
            FalRetries retries,
            Duration connectTimeout,
            Duration transferTimeout,
            ScheduledExecutorService timer) {
        this.http = http;
        this.errors = errors;
        this.retries = retries;
        this.connectTimeout = connectTimeout;
        this.transferTimeout = transferTimeout;
        this.timer = timer;
    }

    DownloadedFile download(String url, Path target) {
        URI uri = checked(url);
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create the output folder " + target.toAbsolutePath().getParent(), e);
        }
        return retries.idempotent(() -> direct(uri) ? overSocket(uri, target) : once(uri, target));
    }

    /** True when the JDK's proxy settings (the same {@code java.net.http} would use) name no proxy for the URL. */
    private static boolean direct(URI uri) {
        ProxySelector selector = ProxySelector.getDefault();
        List<Proxy> proxies = selector == null ? List.of() : selector.select(uri);
        return proxies.isEmpty() || proxies.get(0).type() == Proxy.Type.DIRECT;
    }

    private DownloadedFile overSocket(URI uri, Path target) {
        Path tmp = null;
        try {
            tmp = tempBeside(target);
            SocketDownload.Outcome r = SocketDownload.get(uri, tmp, connectTimeout, transferTimeout, timer);
            if (r.status() / 100 != 2) {
                throw errors.http("download", r.status(), r.headers(), r.errorText());
            }
            DownloadedFile done = moveIntoPlace(
                    tmp, target, r.saved().size(), r.contentLength(), r.saved().sha256());
            tmp = null;
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller is being stopped: no retry should follow
            throw errors.transport("download", e);
        } catch (IOException e) {
            throw errors.transport("download", e);
        } finally {
            if (tmp != null) {
                deleteQuietly(tmp);
            }
        }
    }

    private static URI checked(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw FalException.protocol("the output URL is not a URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw FalException.protocol("the output URL is not http(s): " + url);
        }
        return uri;
    }

    private DownloadedFile once(URI uri, Path target) {
        Path tmp = null;
        DownloadSink[] sink = new DownloadSink[1];
        try {
            Path file = tempBeside(target);
            tmp = file;
            HttpResponse<Answer> r = http.send(
                    HttpRequest.newBuilder(uri).GET().timeout(transferTimeout).build(), info -> {
                        if (info.statusCode() / 100 != 2) {
                            return HttpResponse.BodySubscribers.mapping(new ErrorText(), t -> new Answer(null, t));
                        }
                        try {
                            sink[0] = new DownloadSink(file);
                        } catch (IOException e) {
                            throw new UncheckedIOException("cannot write " + file, e);
                        }
                        return HttpResponse.BodySubscribers.mapping(sink[0], saved -> new Answer(saved, null));
                    });
            if (r.statusCode() / 100 != 2) {
                throw errors.http(
                        "download", r.statusCode(), r.headers(), r.body().errorText());
            }
            DownloadSink.Saved saved = r.body().saved();
            DownloadedFile done = moveIntoPlace(
                    tmp,
                    target,
                    saved.size(),
                    r.headers().firstValueAsLong("content-length").orElse(-1),
                    saved.sha256());
            tmp = null;
            return done;
        } catch (IOException | InterruptedException e) {
            throw errors.transport("download", e);
        } finally {
            if (sink[0] != null) {
                sink[0].abandon();
            }
            if (tmp != null) {
                deleteQuietly(tmp);
            }
        }
    }

    /** The temporary file a download is written to: beside the target, so the final move is atomic. */
    private static Path tempBeside(Path target) throws IOException {
        return Files.createTempFile(target.toAbsolutePath().getParent(), ".download-", ".part");
    }

    /**
     * Moves a finished download into place once its size matches the announced length ({@code announced} -1: none
     * announced); a short body is a transport failure, so it is retried and never saved under the final name.
     */
    private DownloadedFile moveIntoPlace(Path tmp, Path target, long size, long announced, String sha256)
            throws IOException {
        if (announced >= 0 && announced != size) {
            throw errors.transport("download", new IOException("got " + size + " of " + announced + " bytes"));
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new DownloadedFile(target, size, sha256);
    }

    /** What a response carried: the saved file (2xx) or the start of an error body. */
    private record Answer(DownloadSink.Saved saved, String errorText) {}

    /** The first {@link #LIMIT} bytes of an error body as text; the rest is not read (a CDN error page can be big). */
    private static final class ErrorText implements HttpResponse.BodySubscriber<String> {
        private static final int LIMIT = SocketDownload.ERROR_TEXT_LIMIT;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<String> text = new CompletableFuture<>();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<String> getBody() {
            return text;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<java.nio.ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                int n = Math.min(b.remaining(), LIMIT - bytes.size());
                byte[] part = new byte[n];
                b.get(part);
                bytes.write(part, 0, n);
            }
            if (bytes.size() >= LIMIT) {
                subscription.cancel();
                onComplete();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable error) {
            onComplete(); // the status code is the error; a cut-off body still says what it said so far
        }

        @Override
        public void onComplete() {
            text.complete(bytes.toString(StandardCharsets.UTF_8));
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove partial download " + p, e);
        }
    }
}
