package dev.klingmcp.server.fal.impl;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP/1.1 response read from a byte source: the status line and headers (interim 1xx answers skipped), then the
 * body by its framing: {@code Content-Length}, {@code chunked}, or up to the end of the connection. Body bytes go
 * straight from the source into the caller's buffer; only what arrived together with the headers, and the chunk
 * framing, pass through a small buffer of this class.
 */
final class Http1Response {

    /** Where the bytes come from: a socket, plain or TLS. Like a channel read: up to {@code dst.remaining()}, -1 at end. */
    interface Source {
        int read(ByteBuffer dst) throws IOException;
    }

    static final int HEAD_LIMIT = 64 << 10;
    private static final int LINE_LIMIT = 8 << 10;

    private enum Framing {
        LENGTH,
        CHUNKED,
        UNTIL_CLOSE
    }

    private final Source source;
    /** Bytes read from the source but not yet consumed, in read mode. */
    private final ByteBuffer pending;

    private final int status;
    private final HttpHeaders headers;
    private final Framing framing;
    private final long contentLength;
    private long left;
    private boolean firstChunk = true;
    private boolean done;

    private Http1Response(Source source, ByteBuffer pending, int status, Map<String, List<String>> headers)
            throws IOException {
        this.source = source;
        this.pending = pending;
        this.status = status;
        this.headers = HttpHeaders.of(headers, (a, b) -> true);
        String te = this.headers.allValues("transfer-encoding").stream()
                .reduce((a, b) -> b)
                .orElse(null);
        List<String> lengths = this.headers.allValues("content-length");
        if (status == 204 || status == 304) {
            framing = Framing.LENGTH;
            contentLength = 0;
        } else if (te != null) {
            String[] codings = te.split(",");
            boolean chunked = codings[codings.length - 1].strip().equalsIgnoreCase("chunked");
            framing = chunked ? Framing.CHUNKED : Framing.UNTIL_CLOSE;
            contentLength = -1;
        } else if (!lengths.isEmpty()) {
            framing = Framing.LENGTH;
            contentLength = parseLength(lengths);
        } else {
            framing = Framing.UNTIL_CLOSE;
            contentLength = -1;
        }
        left = contentLength;
    }

    /** Reads the status line and headers of the final (non-1xx) response. */
    static Http1Response read(Source source) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(HEAD_LIMIT);
        int scanned = 0;
        while (true) {
            int end = headEnd(buf, scanned);
            if (end < 0) {
                scanned = Math.max(0, buf.position() - 3);
                if (!buf.hasRemaining()) {
                    throw new ProtocolException("response head longer than " + HEAD_LIMIT + " bytes");
                }
                if (source.read(buf) < 0) {
                    throw new EOFException("connection closed before the response head was complete");
                }
                continue;
            }
            String head = new String(buf.array(), 0, end, StandardCharsets.ISO_8859_1);
            buf.flip().position(end + 4);
            String[] lines = head.split("\r\n", -1);
            int status = statusOf(lines[0]);
            if (status >= 100 && status < 200 && status != 101) {
                buf.compact(); // an interim answer (100 Continue, 103 Early Hints): the real one follows
                scanned = 0;
                continue;
            }
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    throw new ProtocolException("malformed response header line: " + lines[i]);
                }
                headers.computeIfAbsent(lines[i].substring(0, colon).strip(), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).strip());
            }
            return new Http1Response(source, buf, status, headers);
        }
    }

    int status() {
        return status;
    }

    HttpHeaders headers() {
        return headers;
    }

    /** The announced body size, or -1 when the body is chunked or ends with the connection. */
    long contentLength() {
        return contentLength;
    }

    /** Reads body bytes into {@code dst} (at least one unless it has no room); -1 once the body is complete. */
    int read(ByteBuffer dst) throws IOException {
        if (done || !dst.hasRemaining()) {
            return done ? -1 : 0;
        }
        switch (framing) {
            case LENGTH -> {
                if (left == 0) {
                    done = true;
                    return -1;
                }
                int n = raw(dst, left);
                if (n < 0) {
                    throw new EOFException(
                            "connection closed after " + (contentLength - left) + " of " + contentLength + " bytes");
                }
                left -= n;
                return n;
            }
            case CHUNKED -> {
                if (left <= 0 && !nextChunk()) {
                    done = true;
                    return -1;
                }
                int n = raw(dst, left);
                if (n < 0) {
                    throw new EOFException("connection closed inside a chunk");
                }
                left -= n;
                return n;
            }
            default -> {
                int n = raw(dst, Long.MAX_VALUE);
                done = n < 0;
                return n;
            }
        }
    }

    /** Reads the next chunk's size line; false at the last (empty) chunk, whose trailers are skipped. */
    private boolean nextChunk() throws IOException {
        if (!firstChunk && !line().isEmpty()) {
            throw new ProtocolException("chunk not followed by CRLF");
        }
        firstChunk = false;
        String sizeLine = line();
        int ext = sizeLine.indexOf(';');
        String hex = (ext < 0 ? sizeLine : sizeLine.substring(0, ext)).strip();
        try {
            left = Long.parseUnsignedLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad chunk size: " + sizeLine);
        }
        if (left < 0) {
            throw new ProtocolException("bad chunk size: " + sizeLine);
        }
        if (left > 0) {
            return true;
        }
        while (!line().isEmpty()) {
            // trailer fields: not used
        }
        return false;
    }

    /** Up to {@code max} bytes: first what is pending, else straight from the source into {@code dst}. */
    private int raw(ByteBuffer dst, long max) throws IOException {
        int room = (int) Math.min(dst.remaining(), max);
        if (pending.hasRemaining()) {
            int n = Math.min(room, pending.remaining());
            ByteBuffer slice = pending.slice().limit(n);
            dst.put(slice);
            pending.position(pending.position() + n);
            return n;
        }
        int limit = dst.limit();
        dst.limit(dst.position() + room);
        try {
            return source.read(dst);
        } finally {
            dst.limit(limit);
        }
    }

    /** One CRLF- (or LF-) terminated line of the chunk framing, without its end. */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (!pending.hasRemaining()) {
                pending.clear();
                int n = source.read(pending);
                pending.flip();
                if (n < 0) {
                    throw new EOFException("connection closed inside the chunk framing");
                }
                continue;
            }
            char c = (char) (pending.get() & 0xff);
            if (c == '\n') {
                int len = line.length();
                return len > 0 && line.charAt(len - 1) == '\r' ? line.substring(0, len - 1) : line.toString();
            }
            if (line.length() >= LINE_LIMIT) {
                throw new ProtocolException("chunk framing line longer than " + LINE_LIMIT + " bytes");
            }
            line.append(c);
        }
    }

    private static int headEnd(ByteBuffer buf, int from) {
        byte[] a = buf.array();
        for (int i = from; i + 3 < buf.position(); i++) {
            if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int statusOf(String statusLine) throws ProtocolException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].toUpperCase(Locale.ROOT).startsWith("HTTP/1.")) {
            throw new ProtocolException("not an HTTP/1.x status line: " + statusLine);
        }
        try {
            int status = Integer.parseInt(parts[1]);
            if (status < 100 || status > 999) {
                throw new ProtocolException("bad status code in: " + statusLine);
            }
            return status;
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad status code in: " + statusLine);
        }
    }

    private static long parseLength(List<String> values) throws ProtocolException {
        long length = -1;
        for (String v : values) {
            for (String part : v.split(",")) {
                long n;
                try {
                    n = Long.parseLong(part.strip());
                } catch (NumberFormatException e) {
                    throw new ProtocolException("bad Content-Length: " + v);
                }
                if (n < 0 || (length >= 0 && n != length)) {
                    throw new ProtocolException("bad Content-Length: " + values);
                }
                length = n;
            }
        }
        return length;
    }
}
