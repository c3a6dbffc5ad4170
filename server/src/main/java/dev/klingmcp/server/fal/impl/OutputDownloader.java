package dev.klingmcp.server.fal.impl;

import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway.DownloadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Streams an output video to disk: into a temporary file beside the target, hashing on the way, then moved into place,
 * so a crash or a broken connection never leaves a half file under the final name. No key is sent: output URLs live on
 * fal's CDN, not on the API hosts.
 */
final class OutputDownloader {

    private final HttpClient http;
    private final FalErrors errors;
    private final FalRetries retries;
    private final Duration transferTimeout;

    OutputDownloader(HttpClient http, FalErrors errors, FalRetries retries, Duration transferTimeout) {
        this.http = http;
        this.errors = errors;
        this.retries = retries;
        this.transferTimeout = transferTimeout;
    }

    DownloadedFile download(String url, Path target) {
        URI uri = checked(url);
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create the output folder " + target.toAbsolutePath().getParent(), e);
        }
        return retries.idempotent(() -> once(uri, target));
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
        try {
            tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".download-", ".part");
            HttpResponse<InputStream> r = http.send(
                    HttpRequest.newBuilder(uri).GET().timeout(transferTimeout).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() / 100 != 2) {
                String text;
                try (InputStream in = r.body()) {
                    text = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
                }
                throw errors.http("download", r.statusCode(), r.headers(), text);
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size;
            try (InputStream in = r.body();
                    OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha)) {
                size = in.transferTo(out);
            }
            long expected = r.headers().firstValueAsLong("content-length").orElse(size);
            if (expected != size) {
                throw errors.transport("download", new IOException("got " + size + " of " + expected + " bytes"));
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            return new DownloadedFile(target, size, HexFormat.of().formatHex(sha.digest()));
        } catch (IOException | InterruptedException e) {
            throw errors.transport("download", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        } finally {
            if (tmp != null) {
                deleteQuietly(tmp);
            }
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
