package dev.klingmcp.server.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads an MP4's duration from its {@code moov/mvhd} box: enough for the demo's report, without a media library. The
 * box may sit after {@code mdat} (fal's and the mock's files are not fast-start), so boxes are walked by their sizes.
 */
final class Mp4Info {

    private Mp4Info() {}

    /** Seconds of the movie, or -1 when the file has no readable {@code mvhd}. */
    static double durationSeconds(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long moov = find(ch, 0, ch.size(), "moov");
            if (moov < 0) {
                return -1;
            }
            long moovEnd = moov + boxSize(ch, moov);
            long mvhd = find(ch, moov + 8, moovEnd, "mvhd");
            if (mvhd < 0) {
                return -1;
            }
            ByteBuffer b = read(ch, mvhd + 8, 32);
            int version = b.get(0);
            long timescale;
            long duration;
            if (version == 1) {
                timescale = Integer.toUnsignedLong(b.getInt(20));
                duration = b.getLong(24);
            } else {
                timescale = Integer.toUnsignedLong(b.getInt(12));
                duration = Integer.toUnsignedLong(b.getInt(16));
            }
            return timescale == 0 ? -1 : (double) duration / timescale;
        }
    }

    private static long find(FileChannel ch, long from, long to, String type) throws IOException {
        long pos = from;
        while (pos + 8 <= to) {
            long size = boxSize(ch, pos);
            if (size < 8) {
                return -1;
            }
            if (type.equals(new String(read(ch, pos + 4, 4).array(), java.nio.charset.StandardCharsets.US_ASCII))) {
                return pos;
            }
            pos += size;
        }
        return -1;
    }

    private static long boxSize(FileChannel ch, long pos) throws IOException {
        long size = Integer.toUnsignedLong(read(ch, pos, 4).getInt(0));
        if (size == 1) {
            return read(ch, pos + 8, 8).getLong(0);
        }
        return size == 0 ? ch.size() - pos : size;
    }

    private static ByteBuffer read(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new IOException("truncated MP4 at " + pos);
            }
        }
        return b;
    }
}
