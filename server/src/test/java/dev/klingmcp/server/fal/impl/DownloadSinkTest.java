package dev.klingmcp.server.fal.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadSinkTest {

    @TempDir
    Path dir;

    /**
     * With room for one buffer only, every next buffer is asked for by the hashing thread once it caught up: if that
     * hand-back were lost, the body would stop and the wait below would time out.
     */
    @Test
    void aSlowHashHoldsTheBodyBack_andTheFileAndDigestAreWhole() throws Exception {
        byte[] body = new byte[5 * 65_536 + 777];
        new Random(11).nextBytes(body);
        Path file = Files.createFile(dir.resolve("out.part"));
        DownloadSink sink = new DownloadSink(file, 1);
        Chunks chunks = new Chunks(body, 65_536, sink);

        sink.onSubscribe(chunks);
        DownloadSink.Saved saved = sink.getBody().toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(saved.size()).isEqualTo(body.length);
        assertThat(Files.readAllBytes(file)).isEqualTo(body);
        assertThat(saved.sha256())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
        assertThat(chunks.maxOutstanding.get()).isEqualTo(1); // never asked for more than one buffer ahead
    }

    /** The file is opened without truncation: bytes it held past the new body do not survive. */
    @Test
    void aFileThatHeldMoreKeepsOnlyTheBody() throws Exception {
        byte[] body = new byte[3 * 1_000 + 5];
        new Random(13).nextBytes(body);
        Path file = Files.write(dir.resolve("stale.part"), new byte[50_000]);
        DownloadSink sink = new DownloadSink(file);
        sink.onSubscribe(new Chunks(body, 1_000, sink));

        DownloadSink.Saved saved = sink.getBody().toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(saved.size()).isEqualTo(body.length);
        assertThat(Files.readAllBytes(file)).isEqualTo(body);
    }

    @Test
    void aBrokenBodyFailsTheDownload() throws Exception {
        Path file = Files.createFile(dir.resolve("broken.part"));
        DownloadSink sink = new DownloadSink(file);
        sink.onSubscribe(new Chunks(new byte[1], 1, sink) {
            @Override
            public void request(long n) {}
        });
        sink.onNext(List.of(ByteBuffer.wrap(new byte[] {1, 2, 3})));
        sink.onError(new IOException("connection reset"));

        assertThatThrownBy(() -> sink.getBody().toCompletableFuture().get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("connection reset");
    }

    /** Delivers a body in chunks on whichever thread asks, one chunk per requested item, never re-entrantly. */
    private static class Chunks implements Flow.Subscription {
        private final byte[] body;
        private final int size;
        private final DownloadSink sink;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger work = new AtomicInteger();
        final AtomicInteger maxOutstanding = new AtomicInteger();
        private int sent;
        private boolean done;

        Chunks(byte[] body, int size, DownloadSink sink) {
            this.body = body;
            this.size = size;
            this.sink = sink;
        }

        @Override
        public void request(long n) {
            maxOutstanding.accumulateAndGet((int) demand.addAndGet(n), Math::max);
            if (work.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                while (!done) {
                    if (sent == body.length) {
                        done = true;
                        sink.onComplete();
                    } else if (demand.get() > 0) {
                        demand.decrementAndGet();
                        int length = Math.min(size, body.length - sent);
                        ByteBuffer chunk = ByteBuffer.wrap(body, sent, length).slice();
                        sent += length;
                        sink.onNext(List.of(chunk));
                    } else {
                        break;
                    }
                }
                missed = work.addAndGet(-missed);
            } while (missed != 0);
        }

        @Override
        public void cancel() {
            done = true;
        }
    }
}
