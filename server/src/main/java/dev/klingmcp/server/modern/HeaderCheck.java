package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.UnaryOperator;

/**
 * The Streamable HTTP routing headers of the stateless revision must repeat what the body says, so gateways can route
 * on them without parsing JSON: {@code MCP-Protocol-Version} = the {@code _meta} version, {@code Mcp-Method} = the
 * method, and {@code Mcp-Name} = the tool or prompt name, the resource URI, or the task id. A header that is missing,
 * different, or not a valid header value is answered with {@code HeaderMismatch} (-32020, HTTP 400).
 */
final class HeaderCheck {

    private HeaderCheck() {}

    static void check(ObjectNode message, ModernRequest request, UnaryOperator<String> headers) {
        String version = request.meta().path(ModernProtocol.PROTOCOL_VERSION).asText();
        same("MCP-Protocol-Version", headers.apply("MCP-Protocol-Version"), version);
        same("Mcp-Method", headers.apply("Mcp-Method"), request.method());
        String nameField =
                switch (request.method()) {
                    case "tools/call", "prompts/get" -> "name";
                    case "resources/read" -> "uri";
                    case "tasks/get", "tasks/update", "tasks/cancel" -> "taskId";
                    default -> null;
                };
        if (nameField != null) {
            JsonNode value = message.path("params").get(nameField);
            if (value != null && value.isTextual()) {
                same("Mcp-Name", headers.apply("Mcp-Name"), value.asText());
            }
        }
    }

    private static void same(String header, String raw, String expected) {
        if (raw == null) {
            throw ModernError.headerMismatch("the " + header + " header is required and must be '" + expected + "'");
        }
        String value = decode(header, raw.strip());
        if (!value.equals(expected)) {
            throw ModernError.headerMismatch(
                    "the " + header + " header is '" + value + "' but the request body says '" + expected + "'");
        }
    }

    /** Values outside visible ASCII travel as {@code =?base64?<UTF-8 bytes>?=}. */
    private static String decode(String header, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw ModernError.headerMismatch("the " + header + " header holds a control character");
            }
        }
        if (value.startsWith("=?base64?") && value.endsWith("?=") && value.length() >= 11) {
            try {
                return new String(
                        Base64.getDecoder().decode(value.substring(9, value.length() - 2)), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ModernError.headerMismatch("the " + header + " header is not valid base64");
            }
        }
        return value;
    }
}
