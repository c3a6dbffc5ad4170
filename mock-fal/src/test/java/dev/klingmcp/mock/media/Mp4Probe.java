package dev.klingmcp.mock.media;

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
 * Reads an MP4 back independently of how it was written: container metadata from JCodec's demuxer, picture size and
 * content from actually decoding every H.264 frame.
 */
public record Mp4Probe(
        Codec codec,
        double durationSeconds,
        int frameCount,
        int decodedFrames,
        int width,
        int height,
        int distinctFrames) {

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
                byte[] luma = frame.getPlaneData(0).clone();
                if (previousLuma == null || !Arrays.equals(previousLuma, luma)) {
                    distinct++;
                }
                previousLuma = luma;
                decoded++;
            }
            return new Mp4Probe(
                    meta.getCodec(), meta.getTotalDuration(), meta.getTotalFrames(), decoded, width, height, distinct);
        }
    }
}
