package dev.klingmcp.contract.openapi;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One response mock-fal gave, as the {@link RecordingProxy} saw it on its way to a client.
 *
 * @param method      request method, upper case
 * @param path        request path without the query
 * @param status      response status code
 * @param headers     response headers, names lower case (first value of each)
 * @param body        the body when it was JSON or an event stream; {@code null} for streamed binary bodies
 * @param bodyBytes   how many body bytes the client received
 */
@SuppressWarnings("ArrayRecordComponent") // the bytes as received; exchanges are inspected, never compared
public record RecordedExchange(
        String method, String path, int status, Map<String, String> headers, byte[] body, long bodyBytes) {

    /** The media type without parameters, lower case; "" when there is none. */
    public String mediaType() {
        String value = headers.getOrDefault("content-type", "");
        int semicolon = value.indexOf(';');
        return (semicolon < 0 ? value : value.substring(0, semicolon)).trim().toLowerCase(java.util.Locale.ROOT);
    }

    public String bodyText() {
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        String text = bodyText();
        return method + " " + path + " -> " + status + " " + mediaType() + " ("
                + (text.length() > 300 ? text.substring(0, 300) + "..." : text) + ")";
    }
}
