package dev.klingmcp.server.preview;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Makes a small still picture of a video's first frame, so a person in a chat client sees what was made. The
 * implementation lives outside the server jar (its H.264 decoder is a library agents that never ask for previews
 * should not carry); {@link FramePreviewers#installed()} finds it at run time.
 */
public interface FramePreviewer {

    /**
     * The first frame of the MP4 at {@code video} as a PNG that fits in {@code maxSide} x {@code maxSide} pixels (never
     * enlarged), with the video's aspect ratio.
     *
     * @throws PreviewUnavailableException the video's codec or profile is one the decoder cannot read
     * @throws IOException the file cannot be read
     */
    Frame firstFrame(Path video, int maxSide) throws PreviewUnavailableException, IOException;

    /** The decoder's name and version, e.g. {@code JCodec 0.2.5}, for {@code doctor} and notes. */
    String decoder();

    /**
     * A preview picture.
     *
     * @param png         the PNG bytes
     * @param width       the picture's width in pixels
     * @param height      the picture's height in pixels
     * @param videoWidth  the video's visible width
     * @param videoHeight the video's visible height
     * @param codec       the video track's codec as the container names it, e.g. {@code H264}
     */
    @SuppressWarnings("ArrayRecordComponent") // the encoded picture, handed on once; frames are never compared
    record Frame(byte[] png, int width, int height, int videoWidth, int videoHeight, String codec) {}
}
