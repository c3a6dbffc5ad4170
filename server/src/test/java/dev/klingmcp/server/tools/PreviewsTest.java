package dev.klingmcp.server.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.preview.FramePreviewer;
import dev.klingmcp.server.preview.PreviewUnavailableException;
import io.modelcontextprotocol.spec.McpSchema.Role;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PreviewsTest {

    private static final Path VIDEO = Path.of("/videos/job-output.mp4");

    @Test
    void aDecodedFrameBecomesPngImageContentForThePerson() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
        Previews previews = new Previews(() -> Optional.of(
                previewer((video, max) -> new FramePreviewer.Frame(png, max, max * 9 / 16, 1920, 1080, "H264"))));
        Previews.Shown shown = previews.of(VIDEO);
        assertThat(shown.image().mimeType()).isEqualTo("image/png");
        assertThat(Base64.getDecoder().decode(shown.image().data())).isEqualTo(png);
        assertThat(shown.image().annotations().audience()).containsExactly(Role.USER);
        assertThat(shown.json().path("width").asInt()).isEqualTo(Previews.MAX_SIDE);
        assertThat(shown.json().path("video_width").asInt()).isEqualTo(1920);
        assertThat(shown.json().path("decoder").asText()).isEqualTo("fake 1.0");
        assertThat(shown.summary()).contains("320x180", "1920x1080");
    }

    @Test
    void anUnsupportedCodecIsANoteNotAnError() {
        Previews previews = new Previews(() -> Optional.of(previewer((video, max) -> {
            throw new PreviewUnavailableException("the video's codec is H265; the preview decoder reads H.264 only");
        })));
        Previews.Shown shown = previews.of(VIDEO);
        assertThat(shown.image()).isNull();
        assertThat(shown.json().path("skipped").asBoolean()).isTrue();
        assertThat(shown.json().path("reason").asText()).contains("H265");
        assertThat(shown.summary()).startsWith("No preview: ");
    }

    @Test
    void noDecoderInstalledNamesTheJarAndWhereItWasLookedFor() {
        Previews.Shown shown = new Previews(Optional::empty).of(VIDEO);
        assertThat(shown.image()).isNull();
        assertThat(shown.json().path("reason").asText()).contains("kling-mcp-preview.jar", "class path");
    }

    @Test
    void aBrokenDecoderJarOrACrashingDecoderNeverFailsTheCall() {
        assertThat(new Previews(() -> {
                            throw new IllegalStateException("kling-mcp-preview.jar holds no service");
                        })
                        .of(VIDEO)
                        .json()
                        .path("reason")
                        .asText())
                .contains("holds no service");
        assertThat(new Previews(() -> Optional.of(previewer((video, max) -> {
                            throw new ArrayIndexOutOfBoundsException(7);
                        })))
                        .of(VIDEO)
                        .json()
                        .path("skipped")
                        .asBoolean())
                .isTrue();
    }

    @FunctionalInterface
    private interface Decode {
        FramePreviewer.Frame frame(Path video, int maxSide) throws PreviewUnavailableException;
    }

    private static FramePreviewer previewer(Decode decode) {
        return new FramePreviewer() {
            @Override
            public FramePreviewer.Frame firstFrame(Path video, int maxSide) throws PreviewUnavailableException {
                return decode.frame(video, maxSide);
            }

            @Override
            public String decoder() {
                return "fake 1.0";
            }
        };
    }
}
