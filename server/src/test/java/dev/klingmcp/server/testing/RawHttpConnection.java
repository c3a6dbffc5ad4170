package dev.klingmcp.server.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.1 connection driven by hand, for what an HTTP client library hides: how many requests one connection
 * serves, and every header line exactly as sent (duplicates included).
 */
public final class RawHttpConnection implements AutoCloseable {

    /** A response: the status line, the header lines ("name: value"), the body. */
    public record Response(String statusLine, List<String> headerLines, String body) {

        /** Every value of a header (names compared without case), in order. */
        public List<String> values(String name) {
            List<String> values = new ArrayList<>();
            for (String line : headerLines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                    values.add(line.substring(colon + 1).strip());
                }
            }
            return values;
        }
    }

    private final Socket socket;

    private final InputStream in;

    private final int port;

    public RawHttpConnection(int port) throws IOException {
        this.port = port;
        this.socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    /** POSTs a JSON body to /mcp with the given extra header lines ("Name: value") and reads the whole response. */
    public Response postMcp(String json, String... headerLines) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n")
                .append("Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(body);
        String status = readLine();
        List<String> headers = new ArrayList<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            headers.add(line);
        }
        Response partial = new Response(status, headers, "");
        List<String> length = partial.values("Content-Length");
        String text;
        if (!length.isEmpty()) {
            text = new String(in.readNBytes(Integer.parseInt(length.get(0))), StandardCharsets.UTF_8);
        } else if (partial.values("Transfer-Encoding").stream()
                .anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))) {
            StringBuilder chunks = new StringBuilder();
            for (int size = Integer.parseInt(readLine(), 16); size > 0; size = Integer.parseInt(readLine(), 16)) {
                chunks.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                readLine();
            }
            readLine();
            text = chunks.toString();
        } else {
            text = "";
        }
        return new Response(status, headers, text);
    }

    /** Whether the server has closed its end (the next read finds the end of the stream). */
    public boolean closedByServer() throws IOException {
        return in.read() < 0;
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed by the server");
            }
            line.append((char) c);
        }
        return line.toString().strip();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
