package dev.klingmcp.server.http;

import java.io.PrintWriter;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.tomcat.util.threads.TaskThread;

/**
 * The writer the SDK streams a response through, kept away from Reactor's interrupts. The SDK writes an answer on the
 * Reactor worker that ran the handler, and Reactor interrupts a worker when it disposes the task it runs — also from
 * another thread, at any moment, when the task's future is handed over after the task already started. Tomcat's NIO
 * channel refuses any socket write from an interrupted thread ("The current thread was interrupted"): the SDK then took
 * the client for gone, completed the request twice and the connection was dropped mid-body. So every operation that
 * may reach the socket from such a worker runs on a writer thread nobody interrupts, while the caller waits for it;
 * the caller's own interrupt status is left as it was.
 */
final class InterruptTolerantWriter extends PrintWriter {

    private final PrintWriter target;

    InterruptTolerantWriter(PrintWriter target) {
        super(target);
        this.target = target;
    }

    // Each operation runs directly on Tomcat's own request threads (the usual case: no task of a lambda per write).

    @Override
    public void write(int c) {
        if (onRequestThread()) {
            target.write(c);
        } else {
            uninterrupted(() -> target.write(c));
        }
    }

    @Override
    public void write(char[] buf, int off, int len) {
        if (onRequestThread()) {
            target.write(buf, off, len);
        } else {
            uninterrupted(() -> target.write(buf, off, len));
        }
    }

    @Override
    public void write(String s, int off, int len) {
        if (onRequestThread()) {
            target.write(s, off, len);
        } else {
            uninterrupted(() -> target.write(s, off, len));
        }
    }

    @Override
    public void flush() {
        if (onRequestThread()) {
            target.flush();
        } else {
            uninterrupted(target::flush);
        }
    }

    @Override
    public boolean checkError() {
        if (onRequestThread()) {
            return target.checkError();
        }
        boolean[] error = {false};
        uninterrupted(() -> error[0] = target.checkError());
        return error[0];
    }

    @Override
    public void close() {
        if (onRequestThread()) {
            target.close();
        } else {
            uninterrupted(target::close);
        }
    }

    private static final ExecutorService WRITERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mcp-http-writer");
        t.setDaemon(true);
        return t;
    });

    /**
     * Tomcat's own request threads are no Reactor workers, so nothing disposes a task on them: the answer of a handler
     * run on the request thread is written there, without a hand-over per write.
     */
    private static boolean onRequestThread() {
        Thread current = Thread.currentThread();
        return current instanceof TaskThread && !current.isInterrupted();
    }

    private static void uninterrupted(Runnable io) {
        Future<?> done = WRITERS.submit(io);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    done.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true; // the write goes on regardless; the flag is restored below
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
