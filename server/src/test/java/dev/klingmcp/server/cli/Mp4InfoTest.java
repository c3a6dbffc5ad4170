package dev.klingmcp.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Mp4InfoTest {

    @TempDir
    Path tmp;

    @Test
    void readsTheDurationFromMvhdAfterMdat() throws Exception {
        // ftyp, a large-ish mdat, then moov/mvhd (version 0: timescale 1000, duration 8000) as JCodec writes it.
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(box("ftyp", "isom0000".getBytes(StandardCharsets.US_ASCII)));
        file.write(box("mdat", new byte[5000]));
        ByteBuffer mvhd = ByteBuffer.allocate(100);
        mvhd.put(0, (byte) 0);
        mvhd.putInt(12, 1000);
        mvhd.putInt(16, 8000);
        file.write(box("moov", box("mvhd", mvhd.array())));
        Path mp4 = Files.write(tmp.resolve("a.mp4"), file.toByteArray());
        assertThat(Mp4Info.durationSeconds(mp4)).isEqualTo(8.0);
    }

    @Test
    void version1UsesSixtyFourBitFields() throws Exception {
        ByteBuffer mvhd = ByteBuffer.allocate(112);
        mvhd.put(0, (byte) 1);
        mvhd.putInt(20, 600);
        mvhd.putLong(24, 3000);
        Path mp4 = Files.write(tmp.resolve("b.mp4"), box("moov", box("mvhd", mvhd.array())));
        assertThat(Mp4Info.durationSeconds(mp4)).isEqualTo(5.0);
    }

    @Test
    void aFileWithoutMoovHasNoDuration() throws Exception {
        Path notMp4 = Files.write(tmp.resolve("c.mp4"), box("free", new byte[16]));
        assertThat(Mp4Info.durationSeconds(notMp4)).isEqualTo(-1);
    }

    private static byte[] box(String type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putInt(8 + payload.length)
                .put(type.getBytes(StandardCharsets.US_ASCII))
                .put(payload);
        return b.array();
    }
}
