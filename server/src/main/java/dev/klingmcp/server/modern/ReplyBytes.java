package dev.klingmcp.server.modern;

import java.io.IOException;
import java.io.OutputStream;
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
