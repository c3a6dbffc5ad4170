package dev.klingmcp.preview;

import dev.klingmcp.server.preview.FramePreviewer;
import dev.klingmcp.server.preview.PreviewUnavailableException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.JCodecException;
import org.jcodec.common.Codec;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;
import org.jcodec.scale.ColorUtil;

/**
 * First-frame previews with JCodec, a pure-Java H.264 decoder (no native library, so the preview works wherever the
 * server runs). Only H.264 in MP4 is read; any other codec, or an H.264 stream the decoder cannot follow, is reported as
 * unavailable rather than guessed at.
 */
public final class JCodecFramePreviewer implements FramePreviewer {

    /** JCodec's version, which its jar does not carry in a readable form. */
    static final String DECODER = "JCodec 0.2.5";

    public JCodecFramePreviewer() {
        // Only off-screen images are made; never let AWT look for a display (a GUI client may start us with none).
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    @Override
    public String decoder() {
        return DECODER;
    }

    @Override
    public Frame firstFrame(Path video, int maxSide) throws PreviewUnavailableException, IOException {
        if (maxSide < 1) {
            throw new IllegalArgumentException("maxSide must be at least 1, was " + maxSide);
        }
        Picture frame;
        Codec codec;
        try (SeekableByteChannel channel = NIOUtils.readableChannel(video.toFile())) {
            FrameGrab grab;
            try {
                grab = FrameGrab.createFrameGrab(channel);
            } catch (JCodecException | RuntimeException e) {
                throw new PreviewUnavailableException(
                        "the preview decoder (" + DECODER + ") cannot open this video: " + reason(e), e);
            }
            codec = grab.getVideoTrack().getMeta().getCodec();
            if (codec != Codec.H264) {
                throw new PreviewUnavailableException(
                        "the video's codec is " + codec + "; the preview decoder (" + DECODER + ") reads H.264 only");
            }
            try {
                frame = grab.getNativeFrame();
            } catch (RuntimeException e) {
                // JCodec signals streams it cannot follow (e.g. interlaced or 4:2:2 H.264) with runtime exceptions.
                throw new PreviewUnavailableException(
                        "the preview decoder (" + DECODER + ") cannot decode this H.264 stream: " + reason(e), e);
            }
        }
        if (frame == null) {
            throw new PreviewUnavailableException("the video has no frame to show");
        }
        BufferedImage full = toImage(frame);
        BufferedImage small = Downscale.toFit(full, maxSide);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(small, "png", png)) {
            throw new IllegalStateException("this JDK has no PNG writer");
        }
        return new Frame(
                png.toByteArray(),
                small.getWidth(),
                small.getHeight(),
                full.getWidth(),
                full.getHeight(),
                codec.name());
    }

    /** The visible (cropped) picture in RGB. H.264 codes whole 16x16 macroblocks; the crop is what a player shows. */
    static BufferedImage toImage(Picture frame) {
        Picture rgb = Picture.create(frame.getWidth(), frame.getHeight(), ColorSpace.RGB);
        ColorUtil.getTransform(frame.getColor(), ColorSpace.RGB).transform(frame, rgb);
        Rect crop = frame.getCrop() == null ? new Rect(0, 0, frame.getWidth(), frame.getHeight()) : frame.getCrop();
        int stride = rgb.getWidth() * 3;
        byte[] data = rgb.getPlaneData(0);
        BufferedImage image = new BufferedImage(crop.getWidth(), crop.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < crop.getHeight(); y++) {
            int row = (crop.getY() + y) * stride + crop.getX() * 3;
            for (int x = 0; x < crop.getWidth(); x++) {
                int i = row + x * 3;
                // JCodec keeps samples as signed bytes: 0..255 shifted down by 128.
                int r = data[i] + 128;
                int g = data[i + 1] + 128;
                int b = data[i + 2] + 128;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    private static String reason(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
