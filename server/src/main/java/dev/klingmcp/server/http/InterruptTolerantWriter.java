package dev.klingmcp.server.http;

import java.io.PrintWriter;

/**
 * The writer the SDK streams a response through, made deaf to a stale interrupt. The SDK writes an answer on the Reactor
 * worker thread that ran the handler, and Reactor interrupts its workers when it disposes a task that may already have
 * finished, so the flag can still be set when the next answer is written. Tomcat's NIO channel refuses any write from an
 * interrupted thread ("The current thread was interrupted"): the SDK then took the client for gone, completed the
 * request twice, and the connection was dropped mid-body. Each write here runs with the flag cleared and restores it
 * afterwards, so whoever meant to see the interrupt still does.
 */
final class InterruptTolerantWriter extends PrintWriter {

    private final PrintWriter target;

    InterruptTolerantWriter(PrintWriter target) {
        super(target);
        this.target = target;
    }

    @Override
    public void write(int c) {
        uninterrupted(() -> target.write(c));
    }

    @Override
    public void write(char[] buf, int off, int len) {
        uninterrupted(() -> target.write(buf, off, len));
    }

    @Override
    public void write(String s, int off, int len) {
        uninterrupted(() -> target.write(s, off, len));
    }

    @Override
    public void flush() {
        uninterrupted(target::flush);
    }

    @Override
    public boolean checkError() {
        boolean[] error = {false};
        uninterrupted(() -> error[0] = target.checkError());
        return error[0];
    }

    @Override
    public void close() {
        uninterrupted(target::close);
    }

    private static void uninterrupted(Runnable io) {
        boolean interrupted = Thread.interrupted();
        try {
            io.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
