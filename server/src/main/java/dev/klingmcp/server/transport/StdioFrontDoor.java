package dev.klingmcp.server.transport;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Reads stdio from the first instant of the process and answers what a client asks at connection time
 * ({@code initialize}, {@code tools/list}, {@code ping}) from the build's {@link PublishedAnswers}, while the MCP server
 * behind it is still being assembled; everything else waits, in order, for that server.
 *
 * <p>Only plainly well-formed requests are answered here (exact JSON-RPC framing, a string or integer id, the params
 * the SDK would accept); anything unusual goes to the real server, which answers or refuses it exactly as it would
 * without this class. Once the server is {@linkplain #attach attached} it first receives the {@code initialize} this
 * class answered (under {@link #REPLAY_ID}, whose answer the transport drops) so its session knows the client, then
 * every queued line, then the rest of the input directly.
 */
public final class StdioFrontDoor {

    /** The id of the {@code initialize} replayed to the real server; the transport drops its answer. */
    public static final String REPLAY_ID = "kling-mcp-front-door-initialize";

    /** After a fast {@code initialize}, the server is assembled after this long even if nothing else asks for it. */
    private static final long BUILD_AFTER_INITIALIZE_NANOS = 100_000_000L;

    /** Where queued lines go once the server exists; called on the reader thread (or once, on the attaching one). */
    public interface Feed {

        void line(String text);

        void tooLong();

        void closed();
    }

    private static final Object TOO_LONG = new Object();

    private static final JsonFactory JSON = new JsonFactory();

    private final InputStream in;

    private final OutputStream out;

    private final PublishedAnswers answers;

    private final int maxLineBytes;

    private final Object writeLock = new Object();

    private final Object lock = new Object();

    /** Lines (String) or {@link #TOO_LONG}, in arrival order, for the server. Guarded by {@link #lock}. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();

    private Feed feed;

    private boolean inputClosed;

    /** A request was queued (or the connection is of another kind): from then on, everything is the server's. */
    private boolean delegating;

    private boolean initializeSeen;

    /** The {@code initialize} params answered here, to replay to the server; null when none was. */
    private String initializeParams;

    private long initializedAt;

    private boolean serverNeeded;

    public StdioFrontDoor(InputStream in, OutputStream out, PublishedAnswers answers, int maxLineBytes) {
        this.in = Objects.requireNonNull(in, "in == null");
        this.out = Objects.requireNonNull(out, "out == null");
        this.answers = Objects.requireNonNull(answers, "answers == null");
        if (maxLineBytes <= 0) {
            throw new IllegalArgumentException("maxLineBytes must be positive");
        }
        this.maxLineBytes = maxLineBytes;
    }

    /** Starts reading on a daemon thread. */
    public void start() {
        Thread reader = new Thread(this::readLoop, "stdio-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Blocks until the real server is wanted: a line only it can answer arrived, {@code tools/list} was answered, or a
     * moment passed after {@code initialize}. False when the input ended first with nothing left to answer.
     */
    public boolean awaitServerNeeded() throws InterruptedException {
        synchronized (lock) {
            while (true) {
                if (serverNeeded) {
                    return true;
                }
                if (inputClosed) {
                    return false; // only notifications, if anything, came after the answers given here
                }
                if (initializedAt != 0) {
                    long left = initializedAt + BUILD_AFTER_INITIALIZE_NANOS - System.nanoTime();
                    if (left <= 0) {
                        return true;
                    }
                    lock.wait(Math.max(1, left / 1_000_000L));
                } else {
                    lock.wait();
                }
            }
        }
    }

    /**
     * Hands the connection to the server: the answered {@code initialize} first, then the queued lines in order, then
     * (if the input already ended) the end. Later lines go straight to {@code target}.
     */
    public void attach(Feed target) {
        boolean closed;
        synchronized (lock) {
            if (feed != null) {
                throw new IllegalStateException("already attached");
            }
            if (initializeParams != null) {
                target.line("{\"jsonrpc\":\"2.0\",\"id\":" + PublishedAnswers.quote(REPLAY_ID)
                        + ",\"method\":\"initialize\",\"params\":" + initializeParams + "}");
            }
            for (Object item : queue) {
                if (item == TOO_LONG) {
                    target.tooLong();
                } else {
                    target.line((String) item);
                }
            }
            queue.clear();
            feed = target;
            closed = inputClosed;
        }
        if (closed) {
            // Draining waits for answers; never on the caller's thread, which is still assembling the server.
            Thread drain = new Thread(target::closed, "stdio-drain");
            drain.setDaemon(true);
            drain.start();
        }
    }

    /** Writes one message as one line; shared with the transport so lines never interleave. */
    public void writeLine(byte[] json) throws IOException {
        synchronized (writeLock) {
            out.write(json);
            out.write('\n');
            out.flush();
        }
    }

    private void readLoop() {
        StdioLineReader lines = new StdioLineReader(in, maxLineBytes);
        try {
            while (true) {
                StdioLineReader.Line line = lines.next();
                if (line == null) {
                    break;
                }
                Feed target;
                synchronized (lock) {
                    target = feed;
                    if (target == null) {
                        if (line.tooLong()) {
                            enqueue(TOO_LONG, true);
                        } else {
                            frontLine(line.text());
                        }
                        continue;
                    }
                }
                if (line.tooLong()) {
                    target.tooLong();
                } else {
                    target.line(line.text());
                }
            }
        } catch (IOException e) {
            // The input is gone either way; what was read is still answered.
            System.err.println("kling-mcp: stdin read failed: " + e.getMessage());
        }
        Feed target;
        synchronized (lock) {
            inputClosed = true;
            target = feed;
            lock.notifyAll();
        }
        if (target != null) {
            target.closed();
        }
    }

    /** Under {@link #lock}, before the server exists. */
    private void frontLine(String text) {
        if (text.isBlank()) {
            return;
        }
        Request r = delegating ? null : Request.parse(text);
        if (r == null) {
            enqueue(text, true);
            return;
        }
        if (r.id == null) {
            // A notification (notifications/initialized, cancelled...): the server gets it, nothing to answer yet.
            enqueue(text, false);
            return;
        }
        byte[] answer = null;
        switch (r.method) {
            case "initialize" -> {
                if (!initializeSeen && r.initializeParams != null) {
                    answer = answers.initializeResponse(r.id, r.protocolVersion);
                    initializeParams = r.initializeParams;
                    initializedAt = System.nanoTime();
                }
            }
            case "tools/list" -> {
                if (initializeParams != null && r.emptyParams) {
                    answer = answers.toolsListResponse(r.id);
                    serverNeeded = true;
                }
            }
            case "ping" -> {
                if (initializeParams != null && r.emptyParams) {
                    answer = PublishedAnswers.pingResponse(r.id);
                }
            }
            default -> {
                // the server's
            }
        }
        if ("initialize".equals(r.method)) {
            initializeSeen = true;
        }
        if (answer == null) {
            enqueue(text, true);
            return;
        }
        try {
            writeLine(answer);
        } catch (IOException e) {
            System.err.println("kling-mcp: stdout write failed: " + e.getMessage());
        }
        lock.notifyAll();
    }

    /** Under {@link #lock}. */
    private void enqueue(Object item, boolean request) {
        queue.add(item);
        if (request) {
            delegating = true;
            serverNeeded = true;
        }
        lock.notifyAll();
    }

    /**
     * A plainly well-formed JSON-RPC request or notification: one object, only {@code jsonrpc} (exactly "2.0"),
     * {@code id} (a string or an integer), {@code method} and {@code params}, each once. Null for anything else.
     */
    private static final class Request {

        private static final Set<String> INITIALIZE_KEYS = Set.of("protocolVersion", "capabilities", "clientInfo");

        String id;

        String method;

        boolean emptyParams = true;

        /** The params text of a well-formed initialize (protocolVersion, capabilities, clientInfo; nothing else). */
        String initializeParams;

        /** The requested version, when params have exactly an initialize's shape. */
        String protocolVersion;

        static Request parse(String text) {
            try (JsonParser p = JSON.createParser(text)) {
                Request r = new Request();
                return r.read(p, text) ? r : null;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        private boolean read(JsonParser p, String text) throws IOException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            Set<String> seen = new HashSet<>();
            boolean version = false;
            String paramsText = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (!seen.add(name)) {
                    return false;
                }
                JsonToken v = p.nextToken();
                switch (name) {
                    case "jsonrpc" -> {
                        if (v != JsonToken.VALUE_STRING) {
                            return false;
                        }
                        version = "2.0".equals(p.getText());
                    }
                    case "id" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            id = PublishedAnswers.quote(p.getText());
                        } else if (v == JsonToken.VALUE_NUMBER_INT) {
                            id = p.getNumberValue().toString();
                        } else {
                            return false;
                        }
                    }
                    case "method" -> {
                        if (v != JsonToken.VALUE_STRING) {
                            return false;
                        }
                        method = p.getText();
                    }
                    case "params" -> {
                        if (v == JsonToken.VALUE_NULL) {
                            break;
                        }
                        if (v != JsonToken.START_OBJECT) {
                            return false;
                        }
                        int start = (int) p.currentTokenLocation().getCharOffset();
                        emptyParams = p.nextToken() == JsonToken.END_OBJECT;
                        if (!emptyParams) {
                            readParamsObject(p);
                        }
                        int end = (int) p.currentLocation().getCharOffset();
                        paramsText = text.substring(start, end);
                    }
                    default -> {
                        return false;
                    }
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null || !version || method == null) {
                return false;
            }
            if ("initialize".equals(method) && paramsText != null && protocolVersion != null) {
                initializeParams = paramsText;
            }
            return true;
        }

        /** Positioned on the first field name of params: reads the rest, noting an initialize's fields. */
        private void readParamsObject(JsonParser p) throws IOException {
            Set<String> seen = new HashSet<>();
            boolean plainInitialize = true;
            String requested = null;
            JsonToken t = p.currentToken();
            while (t == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (!seen.add(name) || !INITIALIZE_KEYS.contains(name)) {
                    plainInitialize = false;
                } else if ("protocolVersion".equals(name)) {
                    plainInitialize &= v == JsonToken.VALUE_STRING;
                    requested = v == JsonToken.VALUE_STRING ? p.getText() : null;
                } else {
                    plainInitialize &= v == JsonToken.START_OBJECT;
                }
                p.skipChildren();
                t = p.nextToken();
            }
            if (plainInitialize && seen.equals(INITIALIZE_KEYS)) {
                protocolVersion = requested;
            }
        }
    }
}
