package dev.klingmcp.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An in-memory pipe for transport tests. {@link java.io.PipedInputStream} is unusable here: it reports
 * "write end dead" once the (reactor) thread that last wrote has ended, which is normal for our server.
 */
public final class Pipe {

    private static final byte[] EOF = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();

    private final OutputStream sink = new OutputStream() {
        private volatile boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("pipe closed");
            }
            if (len > 0) {
                chunks.add(Arrays.copyOfRange(b, off, off + len));
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                chunks.add(EOF);
            }
        }
    };

    private final InputStream source = new InputStream() {
        private byte[] current = new byte[0];

        private int pos;

        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (pos == current.length) {
                if (ended) {
                    return -1;
                }
                try {
                    current = chunks.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                pos = 0;
                if (current == EOF) {
                    ended = true;
                }
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }
    };

    public OutputStream sink() {
        return sink;
    }

    public InputStream source() {
        return source;
    }
}
