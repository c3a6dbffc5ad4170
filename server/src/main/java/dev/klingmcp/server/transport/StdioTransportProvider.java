package dev.klingmcp.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.server.modern.ModernServer;
import dev.klingmcp.server.modern.ModernStdio;
import dev.klingmcp.server.requests.LegacyFront;
import dev.klingmcp.server.requests.UnknownTools;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Newline-delimited JSON-RPC over a pair of byte streams (stdin/stdout), replacing the SDK's
 * {@code StdioServerTransportProvider} because of two behaviours of the SDK's that agents trip over:
 * <ul>
 * <li>the SDK stops reading after one malformed line; here such a line gets a JSON-RPC {@code -32700}
 * (not JSON) or {@code -32600} (JSON but not a JSON-RPC message) answer and the session goes on;</li>
 * <li>the SDK closes the session the instant stdin hits EOF, dropping answers still being computed; here
 * EOF only stops reading: requests already received are answered (up to {@link #drainTimeout}) and then
 * {@link #terminated()} completes so the process can exit.</li>
 * </ul>
 * Reading happens on one daemon thread; writes are serialized by a lock so each message is one line.
 */
public final class StdioTransportProvider implements McpServerTransportProvider {

    /** Same default as the SDK: a peer may not make us buffer more than this for one message. */
    public static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(StdioTransportProvider.class);

    private final McpJsonMapper jsonMapper;

    private final ObjectMapper lineParser = new ObjectMapper();

    /** stdio carries one session: one checker for the whole stream. */
    private final StrictJsonRpc strict = new StrictJsonRpc(false);

    private final InputStream in;

    private final int maxLineBytes;

    private final Duration drainTimeout;

    private final AtomicInteger inFlight = new AtomicInteger();

    private final AtomicBoolean closing = new AtomicBoolean();

    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private volatile McpServerSession session;

    private volatile java.util.function.Consumer<JSONRPCMessage> inboundObserver = message -> {};

    /** Null when this transport reads its input itself; else the front door that read it from the start. */
    private final StdioFrontDoor door;

    /** Which protocol era this connection speaks; pinned by its first request. */
    private enum Era {
        UNDECIDED,
        LEGACY,
        MODERN
    }

    private volatile Era era = Era.UNDECIDED;

    private volatile ModernServer modernServer;

    private volatile ModernStdio modern;

    /** This connection in call tokens (see {@link LegacyFront}): stdio carries one session. */
    private final String sessionKey = "stdio " + java.util.UUID.randomUUID();

    private volatile UnknownTools unknownTools;

    private final StdioWriter writer;

    /**
     * @param jsonMapper the SDK mapper used to (de)serialize JSON-RPC messages
     * @param in where requests arrive (stdin)
     * @param out where answers go (stdout; nothing else may write there)
     * @param maxLineBytes longest accepted line; longer lines are answered with -32600 and skipped
     * @param drainTimeout how long to keep answering in-flight requests after the input closes
     */
    public StdioTransportProvider(
            McpJsonMapper jsonMapper, InputStream in, OutputStream out, int maxLineBytes, Duration drainTimeout) {
        this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper == null");
        this.in = Objects.requireNonNull(in, "in == null");
        if (maxLineBytes <= 0) {
            throw new IllegalArgumentException("maxLineBytes must be positive");
        }
        this.maxLineBytes = maxLineBytes;
        this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout == null");
        this.door = null;
        this.writer =
                new StdioWriter(jsonMapper, Objects.requireNonNull(out, "out == null"), null, sessionKey, closing::get);
    }

    /**
     * A transport behind a {@link StdioFrontDoor} that has been reading (and answering) since the process started: the
     * door's lines reach the session once {@link #ready()} is called, and both write through the door.
     */
    public StdioTransportProvider(McpJsonMapper jsonMapper, StdioFrontDoor door) {
        this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper == null");
        this.door = Objects.requireNonNull(door, "door == null");
        this.in = InputStream.nullInputStream();
        this.maxLineBytes = DEFAULT_MAX_LINE_BYTES;
        this.drainTimeout = Duration.ofSeconds(60);
        this.writer = new StdioWriter(jsonMapper, OutputStream.nullOutputStream(), door, sessionKey, closing::get);
    }

    public StdioTransportProvider(McpJsonMapper jsonMapper, InputStream in, OutputStream out) {
        // 60 s: the longest tool call we make blocks for wait_seconds <= 50 plus a result download.
        this(jsonMapper, in, out, DEFAULT_MAX_LINE_BYTES, Duration.ofSeconds(60));
    }

    /** Completes once the input has closed and every request read before that has been answered (or timed out). */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /**
     * Lets the server see each well-formed inbound message before the SDK handles it (e.g. resource subscriptions, which
     * the SDK handles without a hook). The observer must be quick and must not throw.
     */
    public void observeInbound(java.util.function.Consumer<JSONRPCMessage> observer) {
        this.inboundObserver = java.util.Objects.requireNonNull(observer, "observer == null");
    }

    /**
     * Serves the stateless revision (2026-07-28) on this connection when its first request is a modern one (a
     * {@code server/discover} or a request whose {@code _meta} names a protocol version); otherwise the SDK session
     * serves it, as before.
     */
    public void serveModern(ModernServer server) {
        this.modernServer = java.util.Objects.requireNonNull(server, "server == null");
    }

    /** Answers a {@code tools/call} of a tool not in {@code tools} itself, listing the tools there are. */
    public void refuseUnknownTools(UnknownTools tools) {
        this.unknownTools = java.util.Objects.requireNonNull(tools, "tools == null");
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory sessionFactory) {
        this.session = sessionFactory.create(new SessionTransport());
        if (door != null) {
            return; // lines flow once the server around the session is complete: see ready()
        }
        Thread reader = new Thread(this::readLoop, "stdio-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Called once the server is fully assembled (observers set): a front door hands over what it answered and queued,
     * then every later line. Without a door the transport has been reading since the session was created.
     */
    public void ready() {
        if (door == null) {
            return;
        }
        door.attach(new StdioFrontDoor.Feed() {
            @Override
            public void line(String text) {
                accept(text);
            }

            @Override
            public void tooLong() {
                writeTooLong();
            }

            @Override
            public void closed() {
                drainThenTerminate();
            }
        });
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        McpServerSession s = session;
        return s == null
                ? Mono.error(new IllegalStateException("No session to notify"))
                : s.sendNotification(method, params);
    }

    /** Needed for resource subscriptions: the SDK notifies subscribers one session at a time. */
    @Override
    public Mono<Void> notifyClient(String sessionId, String method, Object params) {
        return Mono.defer(() -> {
            McpServerSession s = session;
            if (s == null || !s.getId().equals(sessionId)) {
                return Mono.error(new IllegalStateException("No session " + sessionId + " on this stdio connection"));
            }
            return s.sendNotification(method, params);
        });
    }

    @Override
    public Mono<Void> closeGracefully() {
        McpServerSession s = session;
        return Mono.defer(() -> {
                    closing.set(true);
                    return s == null ? Mono.<Void>empty() : s.closeGracefully();
                })
                .doFinally(signal -> terminated.complete(null));
    }

    private void readLoop() {
        StdioLineReader lines = new StdioLineReader(in, maxLineBytes);
        try {
            while (!closing.get()) {
                StdioLineReader.Line line = lines.next();
                if (line == null) {
                    break;
                }
                if (line.tooLong()) {
                    writeTooLong();
                } else {
                    accept(line.text());
                }
            }
        } catch (IOException e) {
            if (!closing.get()) {
                log.warn("stdin read failed: {}", e.getMessage());
            }
        }
        drainThenTerminate();
    }

    private void writeTooLong() {
        writer.error(
                null,
                McpSchema.ErrorCodes.INVALID_REQUEST,
                "Message longer than " + maxLineBytes + " bytes; it was skipped");
    }

    private void accept(String text) {
        try {
            dispatch(text);
        } catch (RuntimeException e) {
            // Whatever one line does, the reader keeps serving the next ones.
            log.warn("Input line could not be handled: {}", e.toString());
        }
    }

    private void dispatch(String text) {
        if (text.isBlank()) {
            return;
        }
        JsonNode node;
        try {
            node = lineParser.readTree(text);
        } catch (IOException e) {
            log.warn("Unparseable input line answered with -32700: {}", e.getMessage());
            writer.error(null, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: the line is not valid JSON");
            return;
        }
        StrictJsonRpc.Refusal refused = strict.check(node);
        if (refused != null) {
            Object id = node.hasNonNull("id") ? lineParser.convertValue(node.get("id"), Object.class) : null;
            writer.error(id, refused.code(), refused.message());
            return;
        }
        if (era != Era.MODERN && !ModernServer.isModern(node)) {
            LegacyFront.Outcome front = LegacyFront.inspect(sessionKey, node, unknownTools);
            if (front.answer() != null) {
                writer.node(front.answer());
            }
            if (front.consumed()) {
                return;
            }
            if (front.marked()) {
                text = node.toString();
            }
        }
        JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(jsonMapper, text);
        } catch (IOException | RuntimeException e) {
            Object id = node != null && node.isObject() && node.hasNonNull("id")
                    ? lineParser.convertValue(node.get("id"), Object.class)
                    : null;
            writer.error(
                    id,
                    McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Invalid Request: expected a JSON-RPC 2.0 request, notification or response object");
            return;
        }
        if (era == Era.UNDECIDED && message instanceof McpSchema.JSONRPCRequest) {
            pinEra(node);
        }
        if (era == Era.MODERN) {
            modern.accept(node);
            return;
        }
        try {
            inboundObserver.accept(message);
        } catch (RuntimeException e) {
            log.warn("Inbound observer failed on {}: {}", describe(message), e.toString());
        }
        Mono<Void> handling = session.handle(message);
        if (message instanceof McpSchema.JSONRPCRequest) {
            inFlight.incrementAndGet();
            handling = handling.doFinally(signal -> inFlight.decrementAndGet());
        }
        handling.subscribe(null, e -> log.warn("Handling {} failed: {}", describe(message), e.toString()));
    }

    private void pinEra(JsonNode firstRequest) {
        ModernServer server = modernServer;
        if (server != null && ModernServer.isModern(firstRequest)) {
            modern = new ModernStdio(server, writer::node, inFlight::incrementAndGet, inFlight::decrementAndGet);
            era = Era.MODERN;
        } else {
            era = Era.LEGACY;
        }
    }

    private void drainThenTerminate() {
        ModernStdio m = modern;
        if (m != null) {
            m.inputClosed();
        }
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            log.warn("Input closed; {} request(s) still unanswered after {}", inFlight.get(), drainTimeout);
        }
        closeGracefully().subscribe(null, e -> terminated.complete(null));
    }

    private static String describe(JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCRequest r) {
            return r.method() + " #" + r.id();
        }
        if (message instanceof McpSchema.JSONRPCNotification n) {
            return n.method();
        }
        return message.getClass().getSimpleName();
    }

    /** The single session's view of the transport. */
    private final class SessionTransport implements McpServerTransport {

        @Override
        public Mono<Void> sendMessage(JSONRPCMessage message) {
            return Mono.fromRunnable(() -> writer.message(message));
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return jsonMapper.convertValue(data, typeRef);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.fromRunnable(() -> closing.set(true));
        }

        @Override
        public void close() {
            closing.set(true);
        }
    }
}
