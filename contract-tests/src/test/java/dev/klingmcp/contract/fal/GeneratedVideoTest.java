package dev.klingmcp.contract.fal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.testing.video.Mp4Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The MP4 a client gets is a real video of the asked shape: every aspect ratio the schemas allow, the shortest and
 * longest durations, read back frame by frame with JCodec.
 */
class GeneratedVideoTest {

    @RegisterExtension
    static final FalClientBench bench = FalClientBench.fast();

    @ParameterizedTest(name = "{0} {1}s {2}")
    @CsvSource({
        "fal-ai/kling-video/o3/pro/reference-to-video, 3, 9:16",
        "fal-ai/kling-video/o3/pro/reference-to-video, 15, 1:1",
        "fal-ai/kling-video/o3/4k/reference-to-video, 4, 16:9",
    })
    void videoIsDecodableWithTheRequestedDurationAndAspect(String endpoint, int seconds, String aspect)
            throws Exception {
        Path input = Files.writeString(
                bench.work().resolve(seconds + "s.json"),
                "{\"prompt\":\"A red ball bounces on a beach.\"," + "\"duration\":\"" + seconds
                        + "\",\"aspect_ratio\":\"" + aspect + "\"}");
        JsonNode out = bench.script("subscribe.mjs")
                .arg("endpoint", endpoint)
                .arg("input", input)
                .arg("mode", "polling")
                .run();

        assertThat(out.path("outcome").asText()).as("%s", out).isEqualTo("completed");
        Mp4Probe video =
                FalClientSupport.assertVideoMatches(out.path("data").path("video"), seconds, aspect, bench.work());
        assertThat(video.width() * video.height()).isPositive();
    }
}
