package dev.klingmcp.testing.video;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.JCodecException;
import org.jcodec.common.Codec;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.Picture;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/**
 * An MP4 read back independently of how it was written: container metadata from JCodec's demuxer, picture size and
 * content from actually decoding every H.264 frame, so a file that only looks like an MP4 fails here.
 *
 * @param codec the video track's codec
 * @param durationSeconds the video track's duration, as the container declares it
 * @param declaredFrames frames the container declares
 * @param decodedFrames frames actually decoded
 * @param width visible width of the decoded frames (the crop rectangle, not the coded macroblock size)
 * @param height visible height of the decoded frames
 * @param distinctFrames decoded frames whose luma plane differs from the frame before (a moving picture has all of
 *     them distinct; one frame repeated has one)
 */
public record Mp4Probe(
        Codec codec,
        double durationSeconds,
        int declaredFrames,
        int decodedFrames,
        int width,
        int height,
        int distinctFrames) {

    /** Reads the first video track of {@code file} and decodes every frame of it. */
    public static Mp4Probe of(Path file) throws IOException, JCodecException {
        DemuxerTrackMeta meta;
        try (SeekableByteChannel channel = NIOUtils.readableChannel(file.toFile())) {
            meta = MP4Demuxer.createMP4Demuxer(channel).getVideoTracks().get(0).getMeta();
        }
        try (SeekableByteChannel channel = NIOUtils.readableChannel(file.toFile())) {
            FrameGrab grab = FrameGrab.createFrameGrab(channel);
            int decoded = 0;
            int distinct = 0;
            int width = 0;
            int height = 0;
            byte[] previousLuma = null;
            for (Picture frame = grab.getNativeFrame(); frame != null; frame = grab.getNativeFrame()) {
                // H.264 codes whole 16x16 macroblocks; the visible size is the crop rectangle.
                width = frame.getCrop() == null
                        ? frame.getWidth()
                        : frame.getCrop().getWidth();
                height = frame.getCrop() == null
                        ? frame.getHeight()
                        : frame.getCrop().getHeight();
                byte[] luma = frame.getPlaneData(0);
                if (previousLuma == null || !Arrays.equals(previousLuma, luma)) {
                    distinct++;
                }
                // the decoder may reuse the frame's buffers for the next one
                previousLuma = luma.clone();
                decoded++;
            }
            return new Mp4Probe(
                    meta.getCodec(), meta.getTotalDuration(), meta.getTotalFrames(), decoded, width, height, distinct);
        }
    }

    /** Width over height of the decoded picture, e.g. 1.777 for 16:9. */
    public double aspect() {
        return (double) width / height;
    }

    /** {@code "16:9"} -> 1.777... */
    public static double aspectOf(String ratio) {
        String[] parts = ratio.split(":", -1);
        return Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]);
    }
}
