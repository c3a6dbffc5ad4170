package dev.klingmcp.mock.media;

import java.io.IOException;
import java.nio.file.Path;
import org.jcodec.api.SequenceEncoder;
import org.jcodec.common.Codec;
import org.jcodec.common.Format;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rational;

/**
 * Renders a short synthetic clip and encodes it as H.264 in an MP4 container with JCodec (pure Java, no native codecs).
 *
 * <p>Every frame differs: a bar sweeps across the picture over the whole clip and a row of blocks shows the frame number
 * in binary. That makes the output a genuine video (a client that checks "is this a still image?" or decodes two frames
 * sees motion), not one picture repeated.
 */
final class SyntheticVideoEncoder {

    private static final int COUNTER_BITS = 8;
    private static final int BLOCK = 8;

    private SyntheticVideoEncoder() {}

    /** Writes {@code seconds * fps} frames of {@code ratio}'s size to {@code target} (overwritten). */
    static void encode(Path target, int seconds, AspectRatio ratio, int fps) throws IOException {
        int frames = seconds * fps;
        try (SeekableByteChannel channel = NIOUtils.writableChannel(target.toFile())) {
            // Format.MOV writes an "isom" brand MP4 (ftyp/mdat/moov), which browsers, ffprobe and JCodec all read.
            SequenceEncoder encoder = new SequenceEncoder(channel, Rational.R(fps, 1), Format.MOV, Codec.H264, null);
            for (int frame = 0; frame < frames; frame++) {
                encoder.encodeNativeFrame(render(ratio.width(), ratio.height(), frame, frames));
            }
            encoder.finish();
        }
    }

    /** JCodec's RGB planes hold signed bytes: 0..255 shifted down by 128. */
    private static Picture render(int width, int height, int frame, int frames) {
        Picture picture = Picture.create(width, height, ColorSpace.RGB);
        byte[] rgb = picture.getPlaneData(0);
        int barCenter = frames <= 1 ? width / 2 : frame * (width - 1) / (frames - 1);
        for (int y = 0; y < height; y++) {
            int row = y * width * 3;
            for (int x = 0; x < width; x++) {
                int i = row + x * 3;
                boolean onBar = Math.abs(x - barCenter) < 6;
                rgb[i] = (byte) ((onBar ? 255 : 40 + x * 120 / width) - 128);
                rgb[i + 1] = (byte) ((onBar ? 230 : 30 + y * 150 / height) - 128);
                rgb[i + 2] = (byte) ((onBar ? 40 : 90) - 128);
            }
        }
        drawCounter(rgb, width, height, frame);
        return picture;
    }

    private static void drawCounter(byte[] rgb, int width, int height, int frame) {
        for (int bit = 0; bit < COUNTER_BITS; bit++) {
            byte value = (byte) (((frame >> bit & 1) == 1 ? 255 : 0) - 128);
            int left = BLOCK + bit * (BLOCK + 2);
            for (int y = BLOCK; y < Math.min(height, 2 * BLOCK); y++) {
                for (int x = left; x < Math.min(width, left + BLOCK); x++) {
                    int i = (y * width + x) * 3;
                    rgb[i] = value;
                    rgb[i + 1] = value;
                    rgb[i + 2] = value;
                }
            }
        }
    }
}
