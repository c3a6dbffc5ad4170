package dev.klingmcp.server.fal.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One GET of a big file over a socket of its own (HTTP/1.1, {@code Connection: close}), read by the calling thread
 * into direct buffers and written to the file as they fill, hashed beside it ({@link HashedFileWriter}).
 *
 * <p>Why not {@code java.net.http}: for a bulk body it moves every 16 KiB through its reactive pipeline, across
 * threads, in heap buffers copied twice more on the way from the socket to the file; on a loopback copy that cost
 * about half again curl's CPU per byte before any hashing. A blocking read with the hash on a second thread keeps
 * each step a plain system call. TLS (fal's CDN is https) uses the JDK's default {@link SSLContext}, its trust store
 * and host-name check, as {@code java.net.http} does. Proxies stay with {@code java.net.http} (the caller decides).
 *
 * <p>Timeouts: connecting is bounded by {@code connect}; the whole exchange by {@code deadline}, after which the socket
 * is closed under the reading thread. An interrupt of the reading thread closes the socket too (interruptible channel).
 */
final class SocketDownload {

    /** The start of an error body kept for the message; the rest is not read (a CDN error page can be big). */
    static final int ERROR_TEXT_LIMIT = 4096;

    /** A 2xx answer's saved body (and the announced length, -1 if none), or a non-2xx answer's status and text. */
    record Outcome(
            int status, HttpHeaders headers, HashedFileWriter.Saved saved, long contentLength, String errorText) {}

    private SocketDownload() {}

    static Outcome get(URI uri, Path file, Duration connect, Duration deadline, ScheduledExecutorService timer)
            throws IOException, InterruptedException {
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        String host = uri.getHost();
        if (host == null) {
            throw new IOException("the URL has no host: " + uri);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
        String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        AtomicBoolean timedOut = new AtomicBoolean();
        try (SocketChannel channel = SocketChannel.open()) {
            ScheduledFuture<?> watchdog = timer.schedule(
                    () -> {
                        timedOut.set(true);
                        closeQuietly(channel);
                    },
                    deadline.toMillis(),
                    TimeUnit.MILLISECONDS);
            try {
                try {
                    channel.socket().connect(new InetSocketAddress(bareHost, port), (int) connect.toMillis());
                } catch (SocketTimeoutException e) {
                    throw new HttpConnectTimeoutException("connecting to " + host + ":" + port + " timed out");
                }
                channel.socket().setTcpNoDelay(true);
                Http1Response.Source source;
                if (tls) {
                    source = tls(channel, bareHost, port, request(uri, host, port, tls));
                } else {
                    ByteBuffer request = ByteBuffer.wrap(request(uri, host, port, tls));
                    while (request.hasRemaining()) {
                        channel.write(request);
                    }
                    source = channel::read;
                }
                return receive(Http1Response.read(source), file);
            } catch (IOException e) {
                if (timedOut.get()) {
                    HttpTimeoutException t = new HttpTimeoutException("the download took longer than " + deadline);
                    t.initCause(e);
                    throw t;
                }
                throw e;
            } finally {
                watchdog.cancel(false);
            }
        }
    }

    private static Outcome receive(Http1Response response, Path file) throws IOException, InterruptedException {
        int status = response.status();
        if (status / 100 != 2) {
            ByteBuffer text = ByteBuffer.allocate(ERROR_TEXT_LIMIT);
            try {
                while (text.hasRemaining() && response.read(text) >= 0) {
                    // up to the limit or the end of the body
                }
            } catch (IOException cutOff) {
                // the status code is the error; a cut-off body still says what it said so far
            }
            return new Outcome(
                    status,
                    response.headers(),
                    null,
                    -1,
                    new String(text.array(), 0, text.position(), StandardCharsets.UTF_8));
        }
        try (HashedFileWriter out = new HashedFileWriter(file)) {
            boolean end = false;
            while (!end) {
                ByteBuffer b = out.next();
                while (b.hasRemaining()) {
                    if (response.read(b) < 0) {
                        end = true;
                        break;
                    }
                }
                if (b.position() > 0) {
                    out.write(b);
                } else {
                    out.unused(b);
                }
            }
            return new Outcome(status, response.headers(), out.finish(), response.contentLength(), null);
        }
    }

    /** The request line and headers. No credentials of any kind: the URL is a file fal handed out. */
    private static byte[] request(URI uri, String host, int port, boolean tls) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        boolean defaultPort = port == (tls ? 443 : 80);
        String text = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + host + (defaultPort ? "" : ":" + port) + "\r\n"
                + "User-Agent: kling-mcp\r\n"
                + "Accept-Encoding: identity\r\n"
                + "Connection: close\r\n\r\n";
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** TLS over the connected channel, the JDK's default trust and the https host-name check; sends the request. */
    private static Http1Response.Source tls(SocketChannel channel, String host, int port, byte[] request)
            throws IOException {
        SSLContext context;
        try {
            context = SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no default TLS context", e);
        }
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(channel.socket(), host, port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        params.setApplicationProtocols(new String[] {"http/1.1"});
        ssl.setSSLParameters(params);
        ssl.startHandshake();
        ssl.getOutputStream().write(request);
        ssl.getOutputStream().flush();
        InputStream in = ssl.getInputStream();
        byte[] stage = new byte[64 << 10];
        return dst -> {
            if (dst.hasArray()) {
                int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
                return n;
            }
            int n = in.read(stage, 0, Math.min(stage.length, dst.remaining()));
            if (n > 0) {
                dst.put(stage, 0, n);
            }
            return n;
        };
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing is all that is wanted; the reading thread reports the failure
        }
    }
}
