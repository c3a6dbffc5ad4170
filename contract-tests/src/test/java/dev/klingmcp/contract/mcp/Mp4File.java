package dev.klingmcp.contract.mcp;

import java.io.IOException;
import java.nio.file.Path;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.JCodecException;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/**
 * A saved video read back the hard way: the MP4 container is parsed, its track duration taken, and every frame
 * decoded (a file that only looks like an MP4 fails here).
 *
 * @param durationSeconds the video track's duration
 * @param frames          frames actually decoded
 */
record Mp4File(double durationSeconds, int frames) {

    static Mp4File decode(Path file) throws IOException, JCodecException {
        double duration;
        try (SeekableByteChannel in = NIOUtils.readableChannel(file.toFile())) {
            duration = MP4Demuxer.createMP4Demuxer(in)
                    .getVideoTracks()
                    .get(0)
                    .getMeta()
                    .getTotalDuration();
        }
        int frames = 0;
        try (SeekableByteChannel in = NIOUtils.readableChannel(file.toFile())) {
            FrameGrab grab = FrameGrab.createFrameGrab(in);
            while (grab.getNativeFrame() != null) {
                frames++;
            }
        }
        return new Mp4File(duration, frames);
    }
}
