package dev.klingmcp.server.fal.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Http1ResponseTest {

    @Test
    void anInterimAnswerIsSkipped_andAChunkedBodyIsDecodedEvenArrivingByteByByte() throws IOException {
        String wire = "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nX-Fal-Request-Id: r1\r\n\r\n"
                + "5;name=value\r\nhello\r\n"
                + "1\r\n \r\n"
                + "6\r\nworld!\r\n"
                + "0\r\nTrailer: x\r\n\r\n"
                + "GARBAGE AFTER THE BODY";
        Http1Response r = Http1Response.read(source(wire, 1));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-fal-request-id")).contains("r1");
        assertThat(r.contentLength()).isEqualTo(-1);
        assertThat(body(r, 4)).isEqualTo("hello world!");
    }

    @Test
    void aLengthBodyStopsAtItsLength_andOneCutShortFails() throws IOException {
        Http1Response whole = Http1Response.read(source("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcdeXYZ", 3));
        assertThat(whole.contentLength()).isEqualTo(5);
        assertThat(body(whole, 2)).isEqualTo("abcde");

        Http1Response cut = Http1Response.read(source("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 64));
        assertThatThrownBy(() -> body(cut, 64)).isInstanceOf(EOFException.class).hasMessageContaining("3 of 10");
    }

    @Test
    void withoutLengthOrChunksTheBodyEndsWithTheConnection() throws IOException {
        Http1Response r = Http1Response.read(source("HTTP/1.0 404 Not Found\r\nServer: x\r\n\r\nno such file", 5));
        assertThat(r.status()).isEqualTo(404);
        assertThat(body(r, 100)).isEqualTo("no such file");
    }

    @Test
    void malformedAnswersAreProtocolErrors() {
        assertThatThrownBy(() -> Http1Response.read(source("SSH-2.0-OpenSSH\r\n\r\n", 64)))
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> Http1Response.read(source("HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n", 64)))
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> body(
                        Http1Response.read(source("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 64)),
                        8))
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> Http1Response.read(source("HTTP/1.1 200 OK\r\nContent-", 64)))
                .isInstanceOf(EOFException.class);
    }

    /** The wire text delivered at most {@code step} bytes per read, then end of stream. */
    private static Http1Response.Source source(String wire, int step) {
        ByteBuffer all = ByteBuffer.wrap(wire.getBytes(StandardCharsets.ISO_8859_1));
        return dst -> {
            if (!all.hasRemaining()) {
                return -1;
            }
            int n = Math.min(step, Math.min(all.remaining(), dst.remaining()));
            dst.put(all.slice().limit(n));
            all.position(all.position() + n);
            return n;
        };
    }

    private static String body(Http1Response r, int bufferSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocateDirect(bufferSize);
        while (r.read(b.clear()) >= 0) {
            b.flip();
            byte[] part = new byte[b.remaining()];
            b.get(part);
            out.write(part, 0, part.length);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
