package dev.klingmcp.mock.queue;

/** {@code fal_max_queue_length} was given and that many requests already wait: fal answers 429. */
public final class QueueFullException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int waiting;
    private final int limit;

    public QueueFullException(int waiting, int limit) {
        super("queue is full: " + waiting + " request(s) waiting, fal_max_queue_length=" + limit);
        this.waiting = waiting;
        this.limit = limit;
    }

    public int waiting() {
        return waiting;
    }

    public int limit() {
        return limit;
    }
}
