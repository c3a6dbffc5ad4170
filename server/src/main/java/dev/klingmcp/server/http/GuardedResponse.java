package dev.klingmcp.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Three fixes around the SDK's servlet. Its {@code Connection: keep-alive} header is dropped: connection management
 * is the container's, and when Tomcat closes a connection (every {@code maxKeepAliveRequests}-th response, or after an
 * error) it adds {@code Connection: close}, so the response carried both and clients that read the first (the JDK's
 * HttpClient) reused the closing connection and lost their next request ("header parser received no bytes"). An error
 * body it writes itself (status ≥ 400, which for some refusals is its
 * exception serialized with the whole stack trace) is held back and replaced by a plain JSON-RPC error
 * ({@link #finish}); and an event stream sends its headers as soon as it opens, so a client waiting on a legacy GET
 * stream knows it is connected before the first event, possibly minutes later (a {@code tools/call}'s stream sends
 * them once the call has taken a moment, or with its first event: {@link OneWriteAnswer}).
 */
final class GuardedResponse extends HttpServletResponseWrapper {

    private int status = SC_OK;

    private ByteArrayOutputStream held;

    private PrintWriter heldWriter;

    /** The real response's writer, once the SDK asked for it (then its output stream is off limits). */
    private PrintWriter realWriter;

    /** The call token's session and request id when this answers a cancellable request, else null. */
    private String cancellableSession;

    private JsonNode cancellableId;

    /** The event stream of a tools/call answer, sent in as few writes as the call allows; null otherwise. */
    private OneWriteAnswer oneWrite;

    GuardedResponse(HttpServletResponse response) {
        super(response);
    }

    /**
     * This response streams the answer to {@code tools/call} request {@code id} of {@code session}: withhold it if the
     * client cancels, and send it with its headers in one write when it comes quickly ({@link OneWriteAnswer}).
     */
    void withholdIfCancelled(String session, JsonNode id) {
        this.cancellableSession = session;
        this.cancellableId = id;
    }

    @Override
    public void setHeader(String name, String value) {
        if (!isConnection(name)) {
            super.setHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (!isConnection(name)) {
            super.addHeader(name, value);
        }
    }

    /** Hop-by-hop; never the application's to set. */
    private static boolean isConnection(String name) {
        return "connection".equalsIgnoreCase(name);
    }

    @Override
    public void setStatus(int sc) {
        status = sc;
        super.setStatus(sc);
    }

    @Override
    public void setContentLength(int len) {
        if (status < SC_BAD_REQUEST) {
            super.setContentLength(len);
        }
    }

    @Override
    public void setContentLengthLong(long len) {
        if (status < SC_BAD_REQUEST) {
            super.setContentLengthLong(len);
        }
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (status >= SC_BAD_REQUEST) {
            if (heldWriter == null) {
                heldWriter = new PrintWriter(new OutputStreamWriter(hold(), StandardCharsets.UTF_8), true);
            }
            return heldWriter;
        }
        String type = getContentType();
        boolean opening = type != null && type.startsWith("text/event-stream") && !isCommitted();
        if (realWriter == null) {
            PrintWriter real = new InterruptTolerantWriter(super.getWriter());
            if (cancellableSession != null) {
                real = new WithholdingWriter(real, cancellableSession, cancellableId);
                if (opening) {
                    oneWrite = OneWriteAnswer.open(real, getResponse());
                    real = oneWrite;
                }
            }
            realWriter = real;
        }
        if (opening && oneWrite == null) {
            flushBuffer();
        }
        return realWriter;
    }

    /** The filter chain returned (normally or not): see {@link OneWriteAnswer#dispatchEnded}. */
    void dispatchEnded() {
        if (oneWrite != null) {
            oneWrite.dispatchEnded();
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (status < SC_BAD_REQUEST) {
            return super.getOutputStream();
        }
        ByteArrayOutputStream out = hold();
        return new ServletOutputStream() {
            @Override
            public void write(int b) {
                out.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new IllegalStateException("error bodies are written synchronously");
            }
        };
    }

    private ByteArrayOutputStream hold() {
        if (held == null) {
            held = new ByteArrayOutputStream();
        }
        return held;
    }

    /**
     * Writes the held error body, cleaned, to the client (no-op when nothing was held). An error the SDK reports after
     * its event stream started (status line and events already sent) cannot replace what the client has: it is dropped,
     * and the stream ends as it is.
     */
    void finish(JsonNode requestId) throws IOException {
        if (held == null) {
            return;
        }
        HttpServletResponse real = (HttpServletResponse) getResponse();
        if (real.isCommitted() || realWriter != null) {
            return;
        }
        if (heldWriter != null) {
            heldWriter.flush();
        }
        byte[] clean = JsonErrors.sanitize(held.toByteArray(), status, requestId);
        real.setContentType("application/json");
        real.setCharacterEncoding(StandardCharsets.UTF_8.name());
        real.setContentLength(clean.length);
        real.getOutputStream().write(clean);
    }
}
