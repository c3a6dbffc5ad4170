package dev.klingmcp.server.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads '\n'-terminated UTF-8 lines (a trailing '\r' is dropped) with a size cap that skips, not buffers, excess. */
final class StdioLineReader {

    record Line(String text, boolean tooLong) {}

    private final InputStream in;

    private final int max;

    private final byte[] buf = new byte[8192];

    private int pos;

    private int len;

    StdioLineReader(InputStream in, int max) {
        this.in = in;
        this.max = max;
    }

    Line next() throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        boolean tooLong = false;
        boolean sawAny = false;
        while (true) {
            if (pos == len) {
                len = in.read(buf);
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    return sawAny ? finish(line, tooLong) : null;
                }
            }
            sawAny = true;
            int start = pos;
            while (pos < len && buf[pos] != '\n') {
                pos++;
            }
            int n = pos - start;
            if (!tooLong) {
                if (line.size() + n > max) {
                    tooLong = true;
                    line.reset();
                } else {
                    line.write(buf, start, n);
                }
            }
            if (pos < len) {
                pos++; // consume '\n'
                return finish(line, tooLong);
            }
        }
    }

    private static Line finish(java.io.ByteArrayOutputStream line, boolean tooLong) {
        if (tooLong) {
            return new Line("", true);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        return new Line(text, false);
    }
}
