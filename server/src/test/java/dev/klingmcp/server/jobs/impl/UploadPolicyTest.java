package dev.klingmcp.server.jobs.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadPolicyTest {

    @TempDir
    Path dir;

    @Test
    void falsLimitsApplyUnlessAMaximumIsConfigured() throws Exception {
        Path video = sparse("big.mp4", 300L << 20);
        Path image = sparse("big.png", 20L << 20);

        UploadPolicy fal = new UploadPolicy(List.of(dir), null);
        assertThatThrownBy(() -> fal.check(video)).hasMessageContaining("videos up to 200.0 MiB");
        assertThatThrownBy(() -> fal.check(image)).hasMessageContaining("images up to 10.0 MiB");

        UploadPolicy raised = new UploadPolicy(List.of(dir), 1L << 30);
        assertThat(raised.check(video).size()).isEqualTo(300L << 20);
        assertThat(raised.check(image).size()).isEqualTo(20L << 20);

        UploadPolicy lowered = new UploadPolicy(List.of(dir), 1L << 20);
        assertThatThrownBy(() -> lowered.check(image))
                .hasMessageContaining("this server sends files up to 1.0 MiB (upload.max-bytes)");
    }

    private Path sparse(String name, long size) throws Exception {
        Path file = Files.createFile(dir.resolve(name));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
        return file;
    }
}
