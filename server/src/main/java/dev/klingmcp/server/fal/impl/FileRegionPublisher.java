package dev.klingmcp.server.fal.impl;

import java.io.EOFException;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request body of {@code length} bytes of a file from {@code offset}, read with positional reads in {@link #CHUNK}
 * buffers only as fast as the HTTP client asks for them, so at most a few chunks per request are ever in memory. The
 * JDK's own file and stream publishers read 16 KiB at a time through extra copies; a part of 10 MiB is 40 reads here.
 * Every subscription opens the file anew, so a retried request sends the same bytes again.
 */
final class FileRegionPublisher implements HttpRequest.BodyPublisher {

    static final int CHUNK = 256 * 1024;

    private final Path file;
    private final long offset;
    private final long length;

    FileRegionPublisher(Path file, long offset, long length) {
        this.file = file;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            subscriber.onError(e);
            return;
        }
        subscriber.onSubscribe(new Region(subscriber, channel));
    }

    /** One pass over the region; {@link #drain} runs on one thread at a time (whoever requested or cancelled last). */
    private final class Region implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final FileChannel channel;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger work = new AtomicInteger();
        private volatile boolean cancelled;
        private volatile Throwable badRequest;
        private long sent;
        private boolean done;

        Region(Flow.Subscriber<? super ByteBuffer> subscriber, FileChannel channel) {
            this.subscriber = subscriber;
            this.channel = channel;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                badRequest = new IllegalArgumentException("request(" + n + "): demand must be positive");
            } else {
                demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            }
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            drain();
        }

        private void drain() {
            if (work.getAndIncrement() != 0) {
                return; // the thread already draining sees the new demand or the cancel on its next turn
            }
            int missed = 1;
            do {
                emit();
                missed = work.addAndGet(-missed);
            } while (missed != 0);
        }

        private void emit() {
            while (!done) {
                if (cancelled) {
                    finish(null, false);
                } else if (badRequest != null) {
                    finish(badRequest, false);
                } else if (sent == length) {
                    finish(null, true);
                } else if (demand.get() == 0) {
                    return;
                } else {
                    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, length - sent));
                    try {
                        while (chunk.hasRemaining()) {
                            if (channel.read(chunk, offset + sent + chunk.position()) < 0) {
                                throw new EOFException(file + " ended before byte " + (offset + length)
                                        + ": it changed while being uploaded");
                            }
                        }
                    } catch (IOException e) {
                        finish(e, false);
                        return;
                    }
                    chunk.flip();
                    sent += chunk.remaining();
                    demand.decrementAndGet();
                    subscriber.onNext(chunk);
                }
            }
        }

        private void finish(Throwable error, boolean complete) {
            done = true;
            try {
                channel.close();
            } catch (IOException e) {
                if (error == null && complete) {
                    error = e;
                    complete = false;
                }
            }
            if (error != null) {
                subscriber.onError(error);
            } else if (complete) {
                subscriber.onComplete();
            }
        }
    }
}
