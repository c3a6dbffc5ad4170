package dev.klingmcp.server.http;

import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event stream of one legacy-lane {@code tools/call}, sent in as few socket writes as the call allows. The SDK opens
 * the stream before it runs the tool, then writes the answer as one event with a flush, then completes the response:
 * sending the headers at the open, the answer at its flush and the closing chunk at the completion made three writes
 * (and three packets for the client to read) for a call answered in a fraction of a millisecond. Here the headers wait,
 * and the answer's flush is left to the completion, so a quick call leaves as one response with a
 * {@code Content-Length}.
 *
 * <p>A call that takes time still tells its client early that it is connected: its headers go out alone once the call
 * has run {@link #HEADERS_AFTER_MILLIS} ms without writing anything (a client with a short headers timeout, a proxy),
 * and every event other than the answer (a progress notification, a request to the client) is flushed as it is written.
 * When the request's dispatch ends, anything but a held answer still unsent is flushed ({@link #dispatchEnded}).
 *
 * <p>Every operation is synchronized: the headers may be sent from the sweeper thread while the SDK writes from
 * another; the sweeper never touches a response whose dispatch ended (the container may reuse it for another request).
 */
final class OneWriteAnswer extends PrintWriter {

    /** How long a call runs before its headers go out without its answer. */
    static final long HEADERS_AFTER_MILLIS = 25;

    private static final long HEADERS_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(HEADERS_AFTER_MILLIS);

    /** How the SDK serializes a JSON-RPC response (its record's first two fields), as an SSE data line. */
    private static final String ANSWER_EVENT = "data: {\"jsonrpc\":\"2.0\",\"id\":";

    private static final Logger log = LoggerFactory.getLogger(OneWriteAnswer.class);

    private static final Sweeper SWEEPER = new Sweeper();

    private final PrintWriter target;

    private final ServletResponse response;

    private final long due;

    /** Something was written, or the headers went, or the dispatch ended: the sweeper has nothing to do. */
    private volatile boolean settled;

    /** The answer was written and its flush left to the completion. */
    private boolean answerHeld;

    private OneWriteAnswer(PrintWriter target, ServletResponse response) {
        super(target);
        this.target = target;
        this.response = response;
        this.due = System.nanoTime() + HEADERS_AFTER_NANOS;
    }

    /** Wraps the writer of {@code response}'s event stream, whose headers have not been sent. */
    static OneWriteAnswer open(PrintWriter target, ServletResponse response) {
        OneWriteAnswer writer = new OneWriteAnswer(target, response);
        SWEEPER.add(writer);
        return writer;
    }

    @Override
    public synchronized void write(int c) {
        settled = true;
        target.write(c);
    }

    @Override
    public synchronized void write(char[] buf, int off, int len) {
        settled = true;
        target.write(buf, off, len);
    }

    @Override
    public synchronized void write(String s, int off, int len) {
        settled = true;
        if (s.startsWith(ANSWER_EVENT, off) && len >= ANSWER_EVENT.length()) {
            answerHeld = true;
        }
        target.write(s, off, len);
    }

    @Override
    public synchronized void flush() {
        settled = true;
        if (!answerHeld) {
            target.flush();
        }
    }

    /** An answer whose flush is left to the completion has met no error yet (checking would flush it). */
    @Override
    public synchronized boolean checkError() {
        return !answerHeld && target.checkError();
    }

    @Override
    public synchronized void close() {
        settled = true;
        target.close();
    }

    /**
     * The request's dispatch ended (its thread leaves the servlet): from here on the sweeper leaves the response alone.
     * A held answer goes with the completion that follows it (the SDK completes the response right after its answer).
     * Anything else still unsent goes now: the headers of a call that continues on another thread, or of one the SDK
     * completed without an answer (as they went at the open before).
     */
    synchronized void dispatchEnded() {
        settled = true;
        if (!answerHeld) {
            target.flush();
        }
    }

    /** From the sweeper: the call has run past the delay with nothing written, so its headers go alone. */
    private synchronized void sendHeaders() {
        if (settled) {
            return;
        }
        settled = true;
        try {
            response.flushBuffer();
        } catch (IOException | RuntimeException e) {
            // The client is gone: the SDK's next write finds out and ends the request.
            log.debug("could not send a tools/call stream's headers: {}", e.toString());
        }
    }

    /**
     * One daemon thread for all calls: each writer is queued in the order it opened (so by due time) and dropped
     * unseen once settled; the thread sleeps until the oldest unsettled one is due. With none queued it looks again
     * after the delay, and only after a second of that does it park until the next call: waking it per call would cost
     * more than the write it saves.
     */
    private static final class Sweeper implements Runnable {

        private static final int QUIET_ROUNDS = (int) (1_000 / HEADERS_AFTER_MILLIS);

        private final ConcurrentLinkedQueue<OneWriteAnswer> queued = new ConcurrentLinkedQueue<>();

        private final Thread thread;

        private volatile boolean idle;

        Sweeper() {
            thread = new Thread(this, "mcp-http-headers");
            thread.setDaemon(true);
            thread.start();
        }

        void add(OneWriteAnswer writer) {
            queued.offer(writer);
            if (idle) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            int quiet = 0;
            while (true) {
                OneWriteAnswer oldest = queued.peek();
                if (oldest == null) {
                    if (++quiet < QUIET_ROUNDS) {
                        LockSupport.parkNanos(this, HEADERS_AFTER_NANOS);
                        continue;
                    }
                    idle = true;
                    if (queued.isEmpty()) {
                        LockSupport.park(this);
                    }
                    idle = false;
                    quiet = 0;
                    continue;
                }
                quiet = 0;
                if (!oldest.settled) {
                    long wait = oldest.due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(this, wait);
                        continue;
                    }
                    oldest.sendHeaders();
                }
                queued.poll();
            }
        }
    }
}
