package dev.klingmcp.preview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.klingmcp.mock.media.VideoLibrary;
import dev.klingmcp.server.preview.FramePreviewer;
import dev.klingmcp.server.preview.PreviewUnavailableException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JCodecFramePreviewerTest {

    @TempDir
    static Path cache;

    private final JCodecFramePreviewer previewer = new JCodecFramePreviewer();

    /** The mock's clips (real H.264): the preview decodes as a PNG of the video's shape and first frame's colours. */
    @ParameterizedTest
    @CsvSource({"16:9, 16x9, 320, 180, 96, 54", "9:16, 9x16, 180, 320, 54, 96", "1:1, 1x1, 240, 240, 96, 96"})
    void firstFrameOfEachAspectRatio(String ratio, String key, int w, int h, int smallW, int smallH) throws Exception {
        Path clip;
        try (VideoLibrary library = new VideoLibrary(cache, () -> "http://127.0.0.1:1")) {
            library.videoFor(3, ratio);
            clip = library.cachedClip("3s-" + key).orElseThrow();
        }
        FramePreviewer.Frame full = previewer.firstFrame(clip, 320);
        assertThat(full.codec()).isEqualTo("H264");
        assertThat(full.videoWidth()).isEqualTo(w);
        assertThat(full.videoHeight()).isEqualTo(h);
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(full.png()));
        assertThat(png.getWidth()).isEqualTo(full.width()).isEqualTo(w);
        assertThat(png.getHeight()).isEqualTo(full.height()).isEqualTo(h);
        // The mock paints a gradient (red 40 + 120 x/w, green 30 + 150 y/h, blue 90) and, on the first frame, a yellow
        // bar at the left edge; H.264 is lossy, so the colours are checked roughly.
        assertColour(png.getRGB(w * 3 / 4, h * 3 / 4), 130, 142, 90);
        assertColour(png.getRGB(2, h / 2), 255, 230, 40);

        FramePreviewer.Frame small = previewer.firstFrame(clip, 96);
        BufferedImage smallPng = ImageIO.read(new ByteArrayInputStream(small.png()));
        assertThat(smallPng.getWidth()).isEqualTo(smallW);
        assertThat(smallPng.getHeight()).isEqualTo(smallH);
    }

    private static void assertColour(int rgb, int red, int green, int blue) {
        assertThat((rgb >> 16) & 0xff).as("red").isCloseTo(red, within(25));
        assertThat((rgb >> 8) & 0xff).as("green").isCloseTo(green, within(25));
        assertThat(rgb & 0xff).as("blue").isCloseTo(blue, within(25));
    }

    @Test
    void aFileThatIsNoVideoIsReportedUnavailableNotGuessed() throws Exception {
        Path notVideo = Files.writeString(cache.resolve("not-a-video.mp4"), "this is text, not an MP4");
        assertThatThrownBy(() -> previewer.firstFrame(notVideo, 320))
                .isInstanceOf(PreviewUnavailableException.class)
                .hasMessageContaining("JCodec");
    }

    @Test
    void downscaleKeepsTheAspectRatioAndAveragesPixels() {
        BufferedImage hd = new BufferedImage(1920, 1080, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 1080; y++) {
            for (int x = 0; x < 1920; x++) {
                hd.setRGB(x, y, (x + y) % 2 == 0 ? 0xffffff : 0x000000); // a checkerboard averages to grey
            }
        }
        BufferedImage small = Downscale.toFit(hd, 320);
        assertThat(small.getWidth()).isEqualTo(320);
        assertThat(small.getHeight()).isEqualTo(180);
        assertThat(small.getRGB(100, 100) & 0xff).isCloseTo(127, within(2));
        assertThat(Downscale.toFit(small, 320)).isSameAs(small);
    }

    @Test
    void isAServiceTheServerCanFind() {
        assertThat(ServiceLoader.load(FramePreviewer.class).findFirst()).get().isInstanceOf(JCodecFramePreviewer.class);
    }
}
