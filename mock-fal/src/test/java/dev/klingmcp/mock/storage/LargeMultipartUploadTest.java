package dev.klingmcp.mock.storage;

import static dev.klingmcp.mock.storage.StorageClient.derive;
import static dev.klingmcp.mock.storage.StorageClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.media.LocalServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path @fal-ai/client takes for files over 90 MiB: 10 MiB parts, then complete; the file served back must hash the
 * same as what was sent.
 */
class LargeMultipartUploadTest {

    private static final int CHUNK = 10 * 1024 * 1024;
    private static final long SIZE = 95L * 1024 * 1024 + 12_345; // over the 90 MiB threshold, last part short

    @TempDir
    Path work;

    @Test
    void aNinetyFiveMebibyteFileRoundTripsThroughMultipartUpload() throws Exception {
        Path source = work.resolve("source.bin");
        String sourceSha = writeRandomFile(source, SIZE);
        try (StorageServer running =
                StorageServer.start(StorageOptions.defaults(work.resolve("store")), Clock.systemUTC())) {
            LocalServer server = running.server;
            StorageClient client = running.client;
            JsonNode ticket = client.initiate("video/mp4", "reference.mp4", true);
            String uploadUrl = ticket.get("upload_url").asText();

            List<String> parts = new ArrayList<>();
            byte[] chunk = new byte[CHUNK];
            try (InputStream in = Files.newInputStream(source)) {
                for (int partNumber = 1; ; partNumber++) {
                    int read = in.readNBytes(chunk, 0, CHUNK);
                    if (read == 0) {
                        break;
                    }
                    HttpResponse<byte[]> put = client.put(
                            derive(uploadUrl, Integer.toString(partNumber)),
                            Arrays.copyOf(chunk, read),
                            "application/octet-stream");
                    assertThat(put.statusCode()).as("part %d", partNumber).isEqualTo(200);
                    parts.add(json(put).toString());
                }
            }
            assertThat(parts).hasSize(10);
            assertThat(client.complete(uploadUrl, parts.toString()).statusCode())
                    .isEqualTo(200);

            Path downloaded = work.resolve("downloaded.bin");
            HttpResponse<Path> get = server.sendToFile(
                    server.request(ticket.get("file_url").asText()).GET(), downloaded);
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.headers().firstValue("Content-Type")).hasValue("video/mp4");
            assertThat(get.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
            assertThat(sha256(downloaded)).isEqualTo(sourceSha);

            // A range across the first part boundary comes from the joined file, not from one part.
            HttpResponse<byte[]> range =
                    server.send(server.request(ticket.get("file_url").asText())
                            .header("Range", "bytes=" + (CHUNK - 8) + "-" + (CHUNK + 7))
                            .GET());
            assertThat(range.statusCode()).isEqualTo(206);
            assertThat(range.body()).isEqualTo(slice(source, CHUNK - 8, 16));
        }
        assertThat(work.resolve("store").resolve("uploads"))
                .as("parts are removed once joined")
                .isEmptyDirectory();
    }

    private static String writeRandomFile(Path file, long size) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(20260101);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; ) {
                for (int i = 0; i < block.length; i += 8) {
                    long value = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        block[i + b] = (byte) (value >>> (8 * b));
                    }
                }
                int length = (int) Math.min(block.length, size - written);
                out.write(block, 0, length);
                sha.update(block, 0, length);
                written += length;
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static byte[] slice(Path file, long offset, int length) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(offset);
            return in.readNBytes(length);
        }
    }
}
