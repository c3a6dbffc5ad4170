package dev.klingmcp.server.fal.impl;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A response body written straight to a file, with its SHA-256 computed on a second thread from the very buffers that
 * were written. Hashing on the receiving thread makes the download as slow as write + hash added up (SHA-256 is the
 * slowest step per byte); reading the file back to hash it costs two more copies per byte. Here the receiving thread
 * writes each buffer in full and passes it on; the hashing thread digests it and lets it go.
 *
 * <p>Memory is bounded by back-pressure: while more than {@link #HASH_QUEUE_LIMIT} bytes wait for the hash, no more of
 * the body is asked for; the hashing thread asks for the next part once it has caught up. Nothing blocks the HTTP
 * client's threads.
 */
final class DownloadSink implements HttpResponse.BodySubscriber<DownloadSink.Saved> {

    static final int HASH_QUEUE_LIMIT = 8 << 20;

    /** Marks the end of the body in the hashing queue (the rest of the queue is the written buffers). */
    private static final Object END = new Object();

    /** The body's size and the file's SHA-256 (lower-case hex). */
    record Saved(long size, String sha256) {}

    private final FileChannel out;
    private final long hashQueueLimit;
    private final CompletableFuture<Saved> result = new CompletableFuture<>();
    private final CompletableFuture<String> hashed = new CompletableFuture<>();
    private final BlockingQueue<Object> toHash = new LinkedBlockingQueue<>();
    /** Bytes written but not yet hashed. */
    private final AtomicLong queued = new AtomicLong();
    /** A request for more of the body was held back because the hash fell behind; whoever clears it sends it. */
    private final AtomicBoolean requestOwed = new AtomicBoolean();

    private final Thread hasher;
    private volatile Flow.Subscription subscription;
    private long written;

    DownloadSink(Path file) throws IOException {
        this(file, HASH_QUEUE_LIMIT);
    }

    DownloadSink(Path file, long hashQueueLimit) throws IOException {
        this.hashQueueLimit = hashQueueLimit;
        this.out = HashedFileWriter.openForWriting(file);
        this.hasher = new Thread(this::hash, "download-sha256");
        hasher.setDaemon(true);
    }

    @Override
    public CompletionStage<Saved> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        hasher.start();
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        ByteBuffer[] all = buffers.toArray(ByteBuffer[]::new);
        ByteBuffer[] forHash = new ByteBuffer[all.length];
        long size = 0;
        for (int i = 0; i < all.length; i++) {
            forHash[i] = all[i].duplicate(); // same bytes, own position: the write moves the original's
            size += all[i].remaining();
        }
        try {
            for (long left = size; left > 0; ) {
                left -= out.write(all);
            }
        } catch (IOException e) {
            subscription.cancel();
            fail(e);
            return;
        }
        written += size;
        queued.addAndGet(size);
        for (ByteBuffer b : forHash) {
            toHash.add(b);
        }
        // Owed first, then checked: the hashing thread either sees the flag or has already freed the room seen here.
        requestOwed.set(true);
        requestIfRoom();
    }

    @Override
    public void onError(Throwable error) {
        fail(error);
    }

    @Override
    public void onComplete() {
        try {
            HashedFileWriter.cutToWritten(out, written);
            out.close();
        } catch (IOException e) {
            fail(e);
            return;
        }
        long size = written;
        toHash.add(END);
        // The returned stage is not needed: the callback itself completes the result.
        var unused = hashed.whenComplete((sha, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(new Saved(size, sha));
            }
        });
    }

    /** Stops the hashing thread and closes the file if the body never finished (the request failed or was stopped). */
    void abandon() {
        if (!result.isDone()) {
            fail(new IOException("download abandoned"));
        }
    }

    private void requestIfRoom() {
        if (queued.get() < hashQueueLimit && requestOwed.compareAndSet(true, false) && !result.isDone()) {
            subscription.request(1);
        }
    }

    private void fail(Throwable error) {
        try {
            out.close();
        } catch (IOException e) {
            error.addSuppressed(e);
        }
        result.completeExceptionally(error);
        hashed.completeExceptionally(error);
        toHash.add(END); // wakes the hashing thread, which sees the failure and stops
    }

    /** The hashing thread: digests the written buffers in order until the end marker. */
    private void hash() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            while (!hashed.isDone()) {
                Object next = toHash.take();
                if (next == END) {
                    hashed.complete(HexFormat.of().formatHex(sha.digest()));
                    return;
                }
                ByteBuffer bytes = (ByteBuffer) next;
                int n = bytes.remaining();
                sha.update(bytes);
                queued.addAndGet(-n);
                requestIfRoom();
            }
        } catch (InterruptedException e) {
            stop(e);
        } catch (NoSuchAlgorithmException e) {
            stop(new IllegalStateException("SHA-256 is part of every JDK", e));
        } catch (RuntimeException e) {
            stop(e);
        }
    }

    /** The hash cannot be had: the body is not wanted any more, and the download must not wait for it. */
    private void stop(Throwable error) {
        subscription.cancel();
        fail(error);
    }
}
