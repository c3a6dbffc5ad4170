package dev.klingmcp.contract.fal;

import java.io.IOException;
import java.nio.file.Path;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.JCodecException;
import org.jcodec.common.Codec;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.Picture;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/**
 * What a client gets when it reads a generated MP4 back with JCodec: the container's duration and frame count, and
 * the visible picture size of frames actually decoded (not just declared).
 */
record DecodedVideo(Codec codec, double durationSeconds, int declaredFrames, int decodedFrames, int width, int height) {

    static DecodedVideo read(Path file) throws IOException, JCodecException {
        DemuxerTrackMeta meta;
        try (SeekableByteChannel channel = NIOUtils.readableChannel(file.toFile())) {
            meta = MP4Demuxer.createMP4Demuxer(channel).getVideoTracks().get(0).getMeta();
        }
        try (SeekableByteChannel channel = NIOUtils.readableChannel(file.toFile())) {
            FrameGrab grab = FrameGrab.createFrameGrab(channel);
            int decoded = 0;
            int width = 0;
            int height = 0;
            for (Picture frame = grab.getNativeFrame(); frame != null; frame = grab.getNativeFrame()) {
                // H.264 codes whole 16x16 macroblocks; the visible size is the crop rectangle.
                width = frame.getCrop() == null
                        ? frame.getWidth()
                        : frame.getCrop().getWidth();
                height = frame.getCrop() == null
                        ? frame.getHeight()
                        : frame.getCrop().getHeight();
                decoded++;
            }
            return new DecodedVideo(
                    meta.getCodec(), meta.getTotalDuration(), meta.getTotalFrames(), decoded, width, height);
        }
    }

    /** Width over height, e.g. 1.777 for 16:9. */
    double aspect() {
        return (double) width / height;
    }

    /** {@code "16:9"} -> 1.777... */
    static double aspectOf(String ratio) {
        String[] parts = ratio.split(":");
        return Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]);
    }
}
