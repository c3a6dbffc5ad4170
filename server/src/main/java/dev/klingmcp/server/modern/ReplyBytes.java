package dev.klingmcp.server.modern;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of one JSON answer, in a buffer each request thread keeps between its requests. An answer is serialised
 * whole before it is sent, so that it goes out with its {@code Content-Length}; a new array per answer (plus the
 * serialiser's growing copies) was a fifth of all a status call allocated. An answer larger than {@link #KEPT} is
 * served from a buffer that is dropped afterwards, so no thread holds on to a large one.
 */
final class ReplyBytes extends OutputStream {

    static final int KEPT = 32 * 1024;

    private static final int INITIAL = 4 * 1024;

    private static final ThreadLocal<ReplyBytes> PER_THREAD = ThreadLocal.withInitial(ReplyBytes::new);

    private byte[] buffer = new byte[INITIAL];

    private int count;

    private boolean taken;

    private ReplyBytes() {}

    /** This thread's empty buffer; give it back with {@link #release}. A nested use gets a buffer of its own. */
    static ReplyBytes take() {
        ReplyBytes bytes = PER_THREAD.get();
        if (bytes.taken) {
            bytes = new ReplyBytes();
        }
        bytes.taken = true;
        bytes.count = 0;
        return bytes;
    }

    @Override
    public void write(int b) {
        ensure(count + 1);
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(count + len);
        System.arraycopy(b, off, buffer, count, len);
        count += len;
    }

    private void ensure(int capacity) {
        if (capacity > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(capacity, buffer.length * 2));
        }
    }

    /** Drops what was written (the buffer stays taken). */
    void reset() {
        count = 0;
    }

    /** A character below 0x80 (a bracket, a comma, a digit). */
    void ascii(char c) {
        ensure(count + 1);
        buffer[count++] = (byte) c;
    }

    /** Text made of characters below 0x80 only (numbers, literals). */
    void ascii(String text) {
        int n = text.length();
        ensure(count + n);
        for (int i = 0; i < n; i++) {
            buffer[count++] = (byte) text.charAt(i);
        }
    }

    /**
     * Escapes of the characters below 0x80: 0 none, -1 a six-character "backslash u 00XX" escape, else the letter
     * after the backslash.
     */
    private static final int[] ESCAPES = new int[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = -1;
        }
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
    }

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    /**
     * A JSON string as Jackson's default generator writes it: quotes and backslashes escaped, control characters as a
     * backslash and b, t, n, f or r, or a "backslash u 00XX" escape, other characters in UTF-8 except surrogates (each
     * half written as a "backslash u XXXX" escape, which is what Jackson does unless told to combine them).
     */
    void quoted(String text) {
        int n = text.length();
        ensure(count + 2 + 6 * n);
        byte[] b = buffer;
        int p = count;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                int escape = ESCAPES[c];
                if (escape == 0) {
                    b[p++] = (byte) c;
                } else if (escape > 0) {
                    b[p++] = '\\';
                    b[p++] = (byte) escape;
                } else {
                    p = unicodeEscape(b, p, c);
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                p = unicodeEscape(b, p, c);
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        b[p++] = '"';
        count = p;
    }

    private static int unicodeEscape(byte[] b, int p, char c) {
        b[p++] = '\\';
        b[p++] = 'u';
        b[p++] = HEX[(c >> 12) & 0xF];
        b[p++] = HEX[(c >> 8) & 0xF];
        b[p++] = HEX[(c >> 4) & 0xF];
        b[p++] = HEX[c & 0xF];
        return p;
    }

    int size() {
        return count;
    }

    /** Sends the bytes written so far. */
    void writeTo(OutputStream out) throws IOException {
        out.write(buffer, 0, count);
    }

    /** Done with the bytes: the buffer is this thread's again (a large one is dropped). */
    void release() {
        count = 0;
        taken = false;
        if (buffer.length > KEPT) {
            buffer = new byte[INITIAL];
        }
    }
}
