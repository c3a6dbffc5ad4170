package dev.klingmcp.server.fal.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads and downloads stream: a 64 MiB file goes up (multipart) and comes back down through the production gateway
 * in a child JVM whose whole heap is 32 MiB, and the download's on-the-fly SHA-256 matches the source. Not timed.
 */
class StreamingTransfersTest {

    private static final String KEY = "stream-test-id:stream-test-secret";
    private static final long SIZE = 64L << 20;

    @TempDir
    Path dir;

    @Test
    void aFileTwiceTheHeapGoesUpAndComesBackWithTheRightDigest() throws Exception {
        Path source = dir.resolve("big.mp4");
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = Files.newOutputStream(source)) {
            byte[] block = new byte[1 << 20];
            Random random = new Random(7);
            for (long written = 0; written < SIZE; written += block.length) {
                random.nextBytes(block);
                expected.update(block);
                out.write(block);
            }
        }
        try (MockFal mock = MockFal.start(new MockFalOptions()
                .setLogRequests(false)
                .setStorageDir(dir.resolve("mock"))
                .addApiKey(KEY))) {
            Process child = new ProcessBuilder(
                            javaBinary(),
                            "-Xmx32m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            StreamingProbe.class.getName(),
                            mock.baseUrl(),
                            KEY,
                            source.toString(),
                            dir.resolve("out/back.mp4").toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String output;
            try (InputStream in = child.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("child output: %s", output).isZero();

            String digest = HexFormat.of().formatHex(expected.digest());
            assertThat(output).isEqualTo(SIZE + " " + digest + " 16");
            assertThat(sha256(dir.resolve("out/back.mp4"))).isEqualTo(digest);
            try (var leftovers = Files.list(dir.resolve("out"))) {
                assertThat(leftovers).as("no partial download left behind").hasSize(1);
            }
        }
    }

    private static String sha256(Path file) throws Exception {
        try (DigestInputStream in =
                new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
