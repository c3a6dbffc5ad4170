package dev.klingmcp.server.fal.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A response body written straight to a file, with the file's SHA-256 computed on a second thread that reads the file
 * behind the writer. Hashing on the receiving thread made the download as slow as the hash (SHA-256 is the slowest step
 * per byte); in parallel the download ends when the slower of the two does. The hash is of the bytes on disk, read
 * back from the page cache, so it is the digest of the file the caller gets. Memory: the HTTP client's buffers in
 * flight plus one {@link #HASH_CHUNK}.
 */
final class DownloadSink implements HttpResponse.BodySubscriber<DownloadSink.Saved> {

    static final int HASH_CHUNK = 1 << 20;

    /** The body's size and the file's SHA-256 (lower-case hex). */
    record Saved(long size, String sha256) {}

    private final Path file;
    private final FileChannel out;
    private final CompletableFuture<Saved> result = new CompletableFuture<>();
    private final AtomicLong written = new AtomicLong();
    private final CompletableFuture<String> digest = new CompletableFuture<>();
    private final Thread hasher;
    private volatile boolean finished;
    private volatile boolean aborted;
    /** Set by the hasher before it sleeps: the writer wakes it only then (a wake-up per buffer costs a system call). */
    private volatile boolean hasherWaiting;

    private Flow.Subscription subscription;

    DownloadSink(Path file) throws IOException {
        this.file = file;
        this.out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        this.hasher = new Thread(this::hash, "download-sha256");
        hasher.setDaemon(true);
        hasher.start();
    }

    @Override
    public CompletionStage<Saved> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        try {
            ByteBuffer[] all = buffers.toArray(ByteBuffer[]::new);
            long left = 0;
            for (ByteBuffer b : all) {
                left += b.remaining();
            }
            while (left > 0) {
                long n = out.write(all);
                left -= n;
                written.addAndGet(n);
            }
        } catch (IOException e) {
            subscription.cancel();
            fail(e);
            return;
        }
        wakeHasher();
        subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
        fail(error);
    }

    @Override
    public void onComplete() {
        try {
            out.close();
        } catch (IOException e) {
            fail(e);
            return;
        }
        finished = true;
        LockSupport.unpark(hasher);
        // The returned stage is not needed: the callback itself completes the result, also on failure.
        var unused = digest.whenComplete((sha, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(new Saved(written.get(), sha));
            }
        });
    }

    private void wakeHasher() {
        if (hasherWaiting) {
            LockSupport.unpark(hasher);
        }
    }

    /** Stops the hashing thread and closes the file if the body never finished (the request failed or was stopped). */
    void abandon() {
        if (!result.isDone()) {
            fail(new IOException("download abandoned"));
        }
    }

    private void fail(Throwable error) {
        aborted = true;
        LockSupport.unpark(hasher);
        try {
            out.close();
        } catch (IOException e) {
            error.addSuppressed(e);
        }
        result.completeExceptionally(error);
    }

    /** The hashing thread: reads what the writer has written so far, waits for more, ends after the last byte. */
    private void hash() {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer chunk = ByteBuffer.allocate(HASH_CHUNK);
            long position = 0;
            while (!aborted) {
                boolean last = finished; // read before the count: once finished, the count is final
                long available = written.get();
                if (position < available) {
                    chunk.clear().limit((int) Math.min(HASH_CHUNK, available - position));
                    int n = in.read(chunk, position);
                    if (n <= 0) {
                        throw new IOException(file + " is shorter than the " + available + " bytes written to it");
                    }
                    sha.update(chunk.array(), 0, n);
                    position += n;
                } else if (last) {
                    digest.complete(HexFormat.of().formatHex(sha.digest()));
                    return;
                } else {
                    hasherWaiting = true;
                    // Checked again after saying so: the writer either saw the flag or wrote before this read.
                    if (written.get() == available && !finished && !aborted) {
                        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
                    }
                    hasherWaiting = false;
                }
            }
            digest.completeExceptionally(new IOException("download aborted"));
        } catch (IOException e) {
            digest.completeExceptionally(new UncheckedIOException("cannot hash " + file, e));
        } catch (NoSuchAlgorithmException e) {
            digest.completeExceptionally(new IllegalStateException("SHA-256 is part of every JDK", e));
        } catch (RuntimeException e) {
            digest.completeExceptionally(e); // never leave the download waiting for a hash that will not come
        }
    }
}
