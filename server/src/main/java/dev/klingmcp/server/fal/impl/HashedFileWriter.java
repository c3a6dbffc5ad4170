package dev.klingmcp.server.fal.impl;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A file written from a fixed set of direct buffers by the caller's thread, and hashed (SHA-256) on a second thread from
 * the very buffers that were written. The caller fills a buffer ({@link #next()}), hands it over ({@link #write}); the
 * hashing thread gives it back once digested. While every buffer waits for the hash, {@link #next()} blocks: that is
 * the back-pressure, so memory stays at {@code buffers × bufferSize} however fast the bytes arrive.
 *
 * <p>Direct buffers because a socket read into one and a file write from one each copy the bytes once, in the kernel;
 * a heap buffer costs the JDK an extra copy through a temporary direct buffer on both sides. Hashing a direct buffer
 * copies it in small, cache-hot steps, which is cheap next to SHA-256 itself.
 */
final class HashedFileWriter implements AutoCloseable {

    /**
     * 16 × 128 KiB: small enough that a buffer is still in the CPU cache when the hashing thread reads it right after the
     * file write (with 6 × 1 MiB the same loopback download took ~25 % more CPU per GiB), enough of them that a
     * hashing thread held up by the scheduler for a few milliseconds does not stop the reading.
     */
    static final int BUFFER_SIZE = 128 << 10;

    static final int BUFFERS = 16;

    /**
     * Buffers of finished downloads, reused by the next ones: a direct buffer's memory is only released when the
     * garbage collector finds it, which can be long after a download on a quiet heap.
     */
    private static final BlockingQueue<ByteBuffer> SPARE = new ArrayBlockingQueue<>(2 * BUFFERS);

    private static final ByteBuffer END = ByteBuffer.allocate(0);

    /** The body's size and the file's SHA-256 (lower-case hex). */
    record Saved(long size, String sha256) {}

    private final FileChannel out;
    private final int bufferSize;
    private final int bufferCount;
    private final BlockingQueue<ByteBuffer> free;
    private final BlockingQueue<ByteBuffer> toHash;
    private final List<ByteBuffer> owned = new ArrayList<>();
    private final CompletableFuture<String> digest = new CompletableFuture<>();
    private final Thread hasher;
    private long written;
    private boolean finished;

    HashedFileWriter(Path file) throws IOException {
        this(file, BUFFER_SIZE, BUFFERS);
    }

    HashedFileWriter(Path file, int bufferSize, int bufferCount) throws IOException {
        this.bufferSize = bufferSize;
        this.bufferCount = bufferCount;
        // Unbounded queues: what bounds memory is the number of buffers, which next() never lets grow past the limit.
        this.free = new LinkedBlockingQueue<>();
        this.toHash = new LinkedBlockingQueue<>();
        this.out = openForWriting(file);
        this.hasher = new Thread(this::hash, "download-sha256");
        hasher.setDaemon(true);
        hasher.start();
    }

    /**
     * Opens an existing file (the caller's new, empty temporary file) for writing from its start, without
     * {@code O_TRUNC}. Truncating first is expensive on ext4, Linux's usual file system: a file truncated and then
     * written is treated as "replaced via truncate", and its {@code close()} then allocates and starts writing back
     * every dirty page on the closing thread (about 0.4 s for 1 GiB, against a 1 s download), which a program writing
     * a newly created file, as curl does, never pays. (ext4 does the same when a rename replaces an existing file, so
     * only saving a job's video again under a name still taken pays it.) Whatever the file held before and this writer
     * did not overwrite is cut off at the end ({@link #cutToWritten}).
     */
    static FileChannel openForWriting(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.WRITE);
    }

    /** Cuts the file to {@code size} bytes if it is longer (only a file that held more before writing was). */
    static void cutToWritten(FileChannel file, long size) throws IOException {
        if (file.size() > size) {
            file.truncate(size);
        }
    }

    /**
     * An empty buffer to fill: a free one, a new one while fewer than the limit exist, else the next one the hashing
     * thread gives back (waiting for it is the back-pressure).
     */
    ByteBuffer next() throws IOException, InterruptedException {
        ByteBuffer b = free.poll();
        if (b == null && owned.size() < bufferCount) {
            b = bufferSize == BUFFER_SIZE ? SPARE.poll() : null;
            b = b == null ? ByteBuffer.allocateDirect(bufferSize) : b;
            owned.add(b);
        }
        while (b == null) {
            failIfHashFailed();
            b = free.poll(100, TimeUnit.MILLISECONDS);
        }
        return b.clear();
    }

    /** Writes the buffer's bytes (position 0 to its position) in full, then queues them for the hash. */
    void write(ByteBuffer filled) throws IOException, InterruptedException {
        filled.flip();
        int n = filled.remaining();
        while (filled.hasRemaining()) {
            out.write(filled);
        }
        written += n;
        filled.flip(); // the same bytes again, for the hashing thread
        toHash.put(filled);
    }

    /** Gives back a buffer that received nothing. */
    void unused(ByteBuffer empty) {
        free.add(empty);
    }

    /** Waits for the hash of everything written and closes the file. */
    Saved finish() throws IOException, InterruptedException {
        toHash.put(END);
        String sha;
        try {
            sha = digest.get();
        } catch (ExecutionException e) {
            throw new IOException("hashing the download failed", e.getCause());
        }
        cutToWritten(out, written);
        finished = true;
        out.close();
        return new Saved(written, sha);
    }

    /** Whether the hashing thread still runs. */
    boolean hashing() {
        return hasher.isAlive();
    }

    /** Closes the file; stops the hashing thread if the download did not finish. */
    @Override
    public void close() throws IOException {
        if (!finished) {
            digest.completeExceptionally(new IOException("download abandoned"));
            hasher.interrupt();
        } else {
            // Only buffers the hashing thread gave back: it is done with them, and so is the caller after finish().
            for (ByteBuffer b = free.poll(); b != null && b.capacity() == BUFFER_SIZE; b = free.poll()) {
                if (!SPARE.offer(b)) {
                    break;
                }
            }
        }
        out.close();
    }

    private void failIfHashFailed() throws IOException {
        if (digest.isCompletedExceptionally()) {
            try {
                digest.join();
            } catch (RuntimeException e) {
                throw new IOException("hashing the download failed", e.getCause());
            }
        }
    }

    /** The hashing thread: digests the written buffers in order until the end marker. */
    private void hash() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            while (!digest.isDone()) {
                ByteBuffer bytes = toHash.take();
                if (bytes == END) {
                    digest.complete(HexFormat.of().formatHex(sha.digest()));
                    return;
                }
                sha.update(bytes);
                free.add(bytes);
            }
        } catch (InterruptedException e) {
            digest.completeExceptionally(new InterruptedIOException("hashing stopped"));
        } catch (NoSuchAlgorithmException e) {
            digest.completeExceptionally(new IllegalStateException("SHA-256 is part of every JDK", e));
        } catch (RuntimeException e) {
            digest.completeExceptionally(e);
        }
    }
}
