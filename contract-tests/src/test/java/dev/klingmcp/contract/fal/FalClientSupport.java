package dev.klingmcp.contract.fal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.testing.video.Mp4Probe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jcodec.api.SequenceEncoder;
import org.jcodec.common.Codec;
import org.jcodec.common.Format;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rational;

/** Shared steps of the fal-client scenarios: sample media for "..." URLs, and the generated-video check. */
final class FalClientSupport {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /**
     * The mock serves one file per (duration, aspect), shared by every mock of the suite: download and decode each
     * (path, size) once per run.
     */
    private static final Map<String, Mp4Probe> DECODED = new ConcurrentHashMap<>();

    private FalClientSupport() {}

    /** A small real H.264 MP4 (3 s, 12 fps) to stand in for the "..." video_url of fal's JS examples. */
    static Path sampleVideo(Path directory) throws IOException {
        Path file = directory.resolve("reference-clip.mp4");
        try (SeekableByteChannel channel = NIOUtils.writableChannel(file.toFile())) {
            SequenceEncoder encoder = new SequenceEncoder(channel, Rational.R(12, 1), Format.MOV, Codec.H264, null);
            for (int frame = 0; frame < 36; frame++) {
                encoder.encodeNativeFrame(Picture.create(320, 180, ColorSpace.RGB));
            }
            encoder.finish();
        }
        return file;
    }

    /**
     * The {@code video} File of a result: served where it says, as many bytes as {@code file_size}, an MP4 that JCodec
     * decodes, as long as the request asked and in its aspect ratio.
     */
    static Mp4Probe assertVideoMatches(JsonNode video, int seconds, String aspectRatio, Path directory)
            throws Exception {
        assertThat(video.path("content_type").asText()).isEqualTo("video/mp4");
        assertThat(video.path("file_name").asText()).endsWith(".mp4");
        String key = URI.create(video.path("url").asText()).getPath() + "#"
                + video.path("file_size").asLong();
        Mp4Probe decoded = DECODED.get(key);
        if (decoded == null) {
            decoded = download(video, directory);
            DECODED.put(key, decoded);
        }
        double frame = decoded.durationSeconds() / decoded.declaredFrames();
        assertThat(decoded.durationSeconds()).as("duration of %s", video).isCloseTo(seconds, within(frame + 1e-6));
        assertThat(decoded.aspect()).as("aspect of %s", video).isCloseTo(Mp4Probe.aspectOf(aspectRatio), within(0.02));
        return decoded;
    }

    private static Mp4Probe download(JsonNode video, Path directory) throws Exception {
        HttpResponse<Path> download = HTTP.send(
                HttpRequest.newBuilder(URI.create(video.path("url").asText()))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofFile(Files.createTempFile(directory, "output", ".mp4")));
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValue("content-type")).hasValue("video/mp4");
        assertThat(Files.size(download.body()))
                .isEqualTo(video.path("file_size").asLong());

        Mp4Probe decoded = Mp4Probe.of(download.body());
        assertThat(decoded.codec()).isEqualTo(Codec.H264);
        assertThat(decoded.decodedFrames())
                .as("every declared frame decodes")
                .isPositive()
                .isEqualTo(decoded.declaredFrames());
        return decoded;
    }
}
