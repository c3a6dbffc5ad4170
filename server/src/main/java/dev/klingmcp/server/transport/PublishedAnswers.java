package dev.klingmcp.server.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The answers to {@code initialize} and {@code tools/list} as this build's MCP server gives them, rendered at build
 * time (by {@code dev.klingmcp.server.mcp.PublishedAnswersWriter}) into the jar, so a fresh process can give them
 * before the server behind them (schema checks, job ledger, HTTP client) exists. Plain strings and bytes only: nothing
 * here may load the JSON, MCP or job machinery, which is the whole point.
 *
 * <p>The initialize result is a template: the protocol version is negotiated per request and the server version is
 * this jar's, so both are placeholders filled in at run time.
 */
public final class PublishedAnswers {

    /** Where the build writes the answers, under the class path. */
    public static final String FOLDER = "dev/klingmcp/server/published/";

    public static final String INITIALIZE = "initialize-result.json";

    public static final String PROTOCOL_VERSIONS = "protocol-versions.txt";

    public static final String PROTOCOL_VERSION_SLOT = "@PROTOCOL_VERSION@";

    public static final String VERSION_SLOT = "@SERVER_VERSION@";

    private final String initializeTemplate;

    private final List<String> protocolVersions;

    private final byte[] toolsListResult;

    private final String serverVersion;

    PublishedAnswers(
            String initializeTemplate, List<String> protocolVersions, byte[] toolsListResult, String serverVersion) {
        this.initializeTemplate = Objects.requireNonNull(initializeTemplate);
        this.protocolVersions = List.copyOf(protocolVersions);
        this.toolsListResult = toolsListResult.clone();
        this.serverVersion = Objects.requireNonNull(serverVersion);
        if (this.protocolVersions.isEmpty()) {
            throw new IllegalArgumentException("no protocol versions");
        }
    }

    /** The name of the {@code tools/list} result for a schema profile key ({@code portable}, {@code full}). */
    public static String toolsListName(String profileKey) {
        return "tools-list-" + profileKey + ".json";
    }

    /**
     * This build's answers for the given schema profile, or null when the jar has none (run from classes that were not
     * built by Maven): the caller then serves everything from the real server.
     */
    public static PublishedAnswers load(String profileKey, String serverVersion) {
        String init = read(INITIALIZE);
        String versions = read(PROTOCOL_VERSIONS);
        String tools = read(toolsListName(profileKey));
        if (init == null || versions == null || tools == null) {
            return null;
        }
        List<String> list =
                versions.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (list.isEmpty()) {
            return null;
        }
        return new PublishedAnswers(init.strip(), list, tools.strip().getBytes(StandardCharsets.UTF_8), serverVersion);
    }

    private static String read(String name) {
        try (InputStream in = PublishedAnswers.class.getClassLoader().getResourceAsStream(FOLDER + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** The versions the server speaks, oldest first (the SDK's list for this transport). */
    public List<String> protocolVersions() {
        return protocolVersions;
    }

    /**
     * The SDK's negotiation: the requested version when the server speaks it, else the newest one it speaks (the client
     * then decides whether it can go on).
     */
    public String negotiate(String requested) {
        return protocolVersions.contains(requested) ? requested : protocolVersions.get(protocolVersions.size() - 1);
    }

    /** The whole {@code initialize} response line (without the newline) for a request id given as JSON text. */
    public byte[] initializeResponse(String idJson, String requestedVersion) {
        String result = initializeTemplate
                .replace(quote(PROTOCOL_VERSION_SLOT), quote(negotiate(requestedVersion)))
                .replace(quote(VERSION_SLOT), quote(serverVersion));
        return response(idJson, result.getBytes(StandardCharsets.UTF_8));
    }

    /** The whole {@code tools/list} response line (without the newline) for a request id given as JSON text. */
    public byte[] toolsListResponse(String idJson) {
        return response(idJson, toolsListResult);
    }

    /** A {@code ping} answer: an empty result, as the SDK gives it. */
    public static byte[] pingResponse(String idJson) {
        return response(idJson, "{}".getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] response(String idJson, byte[] result) {
        byte[] head = ("{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"result\":").getBytes(StandardCharsets.UTF_8);
        byte[] line = new byte[head.length + result.length + 1];
        System.arraycopy(head, 0, line, 0, head.length);
        System.arraycopy(result, 0, line, head.length, result.length);
        line[line.length - 1] = '}';
        return line;
    }

    /** A JSON string literal of {@code text}. */
    public static String quote(String text) {
        StringBuilder b = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
