package dev.klingmcp.server.fal.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class HashedFileWriterTest {

    @TempDir
    Path dir;

    /**
     * Many more buffers' worth than the writer may hold: it keeps reusing its one buffer, each time waiting until the
     * hashing thread gave it back (a writer that allocated instead of waiting would show a second buffer here), and the
     * file and digest are exactly the bytes handed in.
     */
    @Test
    @Timeout(30)
    void memoryStaysAtItsBuffers_andTheFileAndDigestAreWhole() throws Exception {
        Path file = Files.createFile(dir.resolve("out.part"));
        Random random = new Random(3);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        Set<ByteBuffer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        HashedFileWriter.Saved saved;
        try (HashedFileWriter w = new HashedFileWriter(file, 4096, 1)) {
            for (int i = 0; i < 200; i++) {
                ByteBuffer b = w.next();
                seen.add(b);
                assertThat(b.position()).isZero();
                byte[] part = new byte[1 + random.nextInt(4096)];
                random.nextBytes(part);
                b.put(part);
                expected.write(part, 0, part.length);
                w.write(b);
            }
            w.unused(w.next());
            saved = w.finish();
        }

        byte[] bytes = expected.toByteArray();
        assertThat(seen).hasSize(1);
        assertThat(saved.size()).isEqualTo(bytes.length);
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        assertThat(saved.sha256())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    }

    /** The file is opened without truncation (see the writer): bytes it held past the new body do not survive. */
    @Test
    @Timeout(30)
    void aFileThatHeldMoreKeepsOnlyTheWrittenBytes() throws Exception {
        Path file = Files.write(dir.resolve("stale.part"), new byte[10_000]);
        byte[] body = new byte[3_000];
        new Random(5).nextBytes(body);
        HashedFileWriter.Saved saved;
        try (HashedFileWriter w = new HashedFileWriter(file, 1024, 2)) {
            for (int at = 0; at < body.length; at += 1024) {
                ByteBuffer b = w.next();
                b.put(body, at, Math.min(1024, body.length - at));
                w.write(b);
            }
            saved = w.finish();
        }

        assertThat(Files.readAllBytes(file)).isEqualTo(body);
        assertThat(saved.size()).isEqualTo(body.length);
    }

    @Test
    @Timeout(30)
    void anAbandonedWriteStopsItsHashingThread() throws Exception {
        Path file = Files.createFile(dir.resolve("abandoned.part"));
        HashedFileWriter w = new HashedFileWriter(file, 1024, 2);
        ByteBuffer b = w.next();
        b.put(new byte[100]);
        w.write(b);
        assertThat(w.hashing()).isTrue();
        w.close();

        for (int i = 0; i < 200 && w.hashing(); i++) {
            Thread.sleep(10);
        }
        assertThat(w.hashing()).isFalse();
    }
}
