package dev.klingmcp.testing.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jcodec.api.SequenceEncoder;
import org.jcodec.common.Codec;
import org.jcodec.common.Format;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rational;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Mp4ProbeTest {

    private static final int FPS = 8;

    @TempDir
    Path tmp;

    @Test
    void readsDurationSizeAndFramesOfARealClip() throws Exception {
        Path clip = encode(tmp.resolve("moving.mp4"), 100, 60, 16);

        Mp4Probe probe = Mp4Probe.of(clip);

        assertThat(probe.codec()).isEqualTo(Codec.H264);
        assertThat(probe.durationSeconds()).isCloseTo(2.0, within(0.01));
        assertThat(probe.declaredFrames()).isEqualTo(16);
        assertThat(probe.decodedFrames()).isEqualTo(16);
        assertThat(probe.width()).as("the crop, not the 112x64 macroblocks").isEqualTo(100);
        assertThat(probe.height()).isEqualTo(60);
        assertThat(probe.distinctFrames()).isEqualTo(16);
        assertThat(probe.aspect()).isCloseTo(Mp4Probe.aspectOf("5:3"), within(1e-9));
    }

    @Test
    void aFileThatIsNotAnMp4Fails() throws Exception {
        Path fake = Files.writeString(tmp.resolve("fake.mp4"), "not a video at all");

        assertThatThrownBy(() -> Mp4Probe.of(fake)).isInstanceOf(Exception.class);
    }

    /** {@code frames} frames at {@value #FPS} fps of a bright column walking across the picture. */
    private static Path encode(Path target, int width, int height, int frames) throws Exception {
        try (SeekableByteChannel channel = NIOUtils.writableChannel(target.toFile())) {
            SequenceEncoder encoder = new SequenceEncoder(channel, Rational.R(FPS, 1), Format.MOV, Codec.H264, null);
            for (int frame = 0; frame < frames; frame++) {
                Picture picture = Picture.create(width, height, ColorSpace.RGB);
                byte[] rgb = picture.getPlaneData(0);
                int column = frame * (width - 1) / (frames - 1);
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        byte value = (byte) ((Math.abs(x - column) < 4 ? 255 : 30) - 128);
                        int i = (y * width + x) * 3;
                        rgb[i] = value;
                        rgb[i + 1] = value;
                        rgb[i + 2] = value;
                    }
                }
                encoder.encodeNativeFrame(picture);
            }
            encoder.finish();
        }
        return target;
    }
}
