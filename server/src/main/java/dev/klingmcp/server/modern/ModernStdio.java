package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.requests.InFlightCalls;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A stdio connection pinned to the stateless revision (its first request was a modern one). Requests run concurrently
 * on worker threads, since a tool may wait up to 50 s and a listen lasts until cancelled; their notifications and
 * answers share stdout, one line each. {@code notifications/cancelled} ends the request it names (a listen, typically)
 * and suppresses its answer.
 */
public final class ModernStdio {

    private final ModernServer server;

    private final Consumer<ObjectNode> writer;

    private final Runnable started;

    private final Runnable finished;

    private final Map<JsonNode, Channel> inFlight = new ConcurrentHashMap<>();

    private final ExecutorService pool;

    /**
     * @param writer   writes one message as one line on stdout (thread-safe)
     * @param started  told when a request starts (the transport drains in-flight requests at EOF)
     * @param finished told when it has been answered or abandoned
     */
    public ModernStdio(ModernServer server, Consumer<ObjectNode> writer, Runnable started, Runnable finished) {
        this.server = server;
        this.writer = writer;
        this.started = started;
        this.finished = finished;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mcp-modern-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** This connection in call tokens ({@link InFlightCalls}). */
    private final String sessionKey = "modern-stdio " + java.util.UUID.randomUUID();

    /** Handles one inbound message (called by the reader thread; never blocks on a request). */
    public void accept(JsonNode message) {
        if (!(message instanceof ObjectNode object) || !message.path("method").isTextual()) {
            return; // a response: this revision sends the client no requests to answer
        }
        JsonNode id = object.get("id");
        if (id == null || id.isNull()) {
            if ("notifications/cancelled".equals(object.path("method").asText())) {
                Channel c = inFlight.get(object.path("params").path("requestId"));
                if (c != null) {
                    c.cancelled = true;
                }
                // A tool call waiting on fal ends its wait too.
                InFlightCalls.cancelled(sessionKey, object);
            }
            return;
        }
        InFlightCalls.mark(sessionKey, object);
        Channel channel = new Channel();
        inFlight.put(id, channel);
        started.run();
        try {
            pool.execute(() -> {
                try {
                    ModernServer.Reply reply = server.handle(object, channel, null);
                    if (reply != null && !channel.cancelled) {
                        writer.accept(reply.message());
                    }
                } finally {
                    inFlight.remove(id, channel);
                    finished.run();
                }
            });
        } catch (RuntimeException e) {
            inFlight.remove(id, channel);
            finished.run();
            throw e;
        }
    }

    /**
     * stdin closed: open listens and waits end now, but every request already read is still answered (stdout may well
     * be read on: {@code printf '…' | kling-mcp}), as the legacy lane answers its in-flight requests.
     */
    public void inputClosed() {
        inFlight.values().forEach(c -> c.inputClosed = true);
        pool.shutdown();
    }

    private final class Channel implements ModernChannel {

        /** The client cancelled this request: it expects no answer. */
        private volatile boolean cancelled;

        /** stdin ended: stop waiting and send no more notifications, but answer. */
        private volatile boolean inputClosed;

        @Override
        public Kind kind() {
            return Kind.STDIO;
        }

        @Override
        public boolean send(ObjectNode notification) {
            if (cancelled || inputClosed) {
                return false;
            }
            writer.accept(notification);
            return true;
        }

        @Override
        public boolean open() {
            return !cancelled && !inputClosed;
        }

        @Override
        public boolean keepAlive() {
            return !cancelled && !inputClosed;
        }
    }
}
