package dev.klingmcp.mock.media;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Grows an MP4 file to a given size with one trailing {@code free} box (ISO/IEC 14496-12: a box players and demuxers
 * skip), so the file stays a playable video. The box uses the 64-bit {@code largesize} form, valid at any size; its body
 * is left as a hole (a sparse file of zeros), so padding to 1 GiB costs neither disk writes nor memory.
 */
final class FreeBoxPadding {

    /** {@code size = 1} (the 64-bit size follows), {@code type = "free"}, {@code largesize}. */
    static final int HEADER_BYTES = 16;

    private FreeBoxPadding() {}

    /** Pads {@code file} to {@code target} bytes; does nothing when it is already that big or the gap is under a header. */
    static void padTo(Path file, long target) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long size = raf.length();
            long box = target - size;
            if (box < HEADER_BYTES) {
                return;
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES)
                    .putInt(1)
                    .put((byte) 'f')
                    .put((byte) 'r')
                    .put((byte) 'e')
                    .put((byte) 'e')
                    .putLong(box);
            raf.seek(size);
            raf.write(header.array());
            raf.setLength(target);
        }
    }
}
