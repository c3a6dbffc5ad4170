package dev.klingmcp.server.fal.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.fal.client.ApiException;
import dev.klingmcp.server.config.FalKey;
import dev.klingmcp.server.fal.FalException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Turns what the generated client or java.net.http throws into {@link FalException}s: classified for the retry rules,
 * with fal's error body parsed, and with the key scrubbed from every message (the generated client copies response
 * bodies into its messages, and a proxy could echo request headers).
 */
final class FalErrors {

    private static final int MAX_TEXT = 400;

    private final FalKey key;
    private final ObjectMapper mapper;

    FalErrors(FalKey key, ObjectMapper mapper) {
        this.key = key;
        this.mapper = mapper;
    }

    FalException from(String operation, ApiException e) {
        if (e.getCode() == 0) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return transport(operation, cause);
        }
        return http(operation, e.getCode(), e.getResponseHeaders(), e.getResponseBody());
    }

    FalException transport(String operation, Throwable cause) {
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        if (isDecoding(cause)) {
            return FalException.decoding(key.redact(operation
                    + ": fal answered, but the answer is not the JSON expected ("
                    + truncate(firstLine(String.valueOf(cause.getMessage()))) + ")"));
        }
        FalException.Kind kind = notConnected(cause) ? FalException.Kind.NOT_CONNECTED : FalException.Kind.IO;
        String what = kind == FalException.Kind.NOT_CONNECTED
                ? "could not connect to fal (nothing was sent)"
                : "the connection to fal broke or timed out";
        String detail =
                cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new FalException(
                kind, key.redact(operation + ": " + what + " (" + detail + ")"), 0, null, null, null, null, null, null);
    }

    FalException http(String operation, int status, HttpHeaders headers, String rawBody) {
        HttpHeaders h = headers == null ? HttpHeaders.of(java.util.Map.of(), (a, b) -> true) : headers;
        // Scrubbed before anything keeps it: a proxy or gateway may echo the Authorization header in its error body,
        // and the parsed body goes on into the ledger (the job's error) and to the agent.
        String bodyText = rawBody == null ? null : key.redact(rawBody);
        JsonNode body = parse(bodyText);
        String errorType = text(body, "error_type");
        if (errorType == null) {
            errorType = h.firstValue("x-fal-error-type").map(key::redact).orElse(null);
        }
        if (errorType == null
                && body != null
                && body.path("detail").isArray()
                && body.path("detail").size() > 0) {
            errorType = text(body.path("detail").get(0), "type");
        }
        String message = operation + ": fal answered HTTP " + status + summary(body, bodyText);
        return new FalException(
                FalException.Kind.HTTP,
                key.redact(message),
                status,
                h.firstValue("x-fal-request-id").orElse(null),
                h.firstValue("x-fal-request-timeout-type").orElse(null),
                errorType,
                body,
                retryAfter(h.firstValue("retry-after").orElse(null)),
                null);
    }

    /** {@code Retry-After} as delta-seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    /** Jackson refused the body: the bytes arrived (a 2xx), they are just not what the contract says. */
    private static boolean isDecoding(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof com.fasterxml.jackson.core.JsonProcessingException
                    || (c.getMessage() != null && c.getMessage().equals("Response body is empty"))) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private static boolean notConnected(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException
                    || c instanceof HttpConnectTimeoutException
                    || c instanceof UnknownHostException
                    || c instanceof NoRouteToHostException
                    || c instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    private JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            JsonNode n = mapper.readTree(text);
            return n != null && n.isContainerNode() ? n : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    /** fal's 422 detail as "loc: msg; …", or a string detail / message, or the start of a non-JSON body. */
    private static String summary(JsonNode body, String text) {
        if (body != null) {
            JsonNode detail = body.path("detail");
            if (detail.isArray() && detail.size() > 0) {
                StringBuilder sb = new StringBuilder(": ");
                for (JsonNode d : detail) {
                    if (sb.length() > 2) {
                        sb.append("; ");
                    }
                    StringBuilder loc = new StringBuilder();
                    for (JsonNode part : d.path("loc")) {
                        loc.append(loc.length() == 0 ? "" : ".").append(part.asText());
                    }
                    sb.append(loc)
                            .append(loc.length() == 0 ? "" : ": ")
                            .append(d.path("msg").asText(d.toString()));
                }
                return truncate(sb.toString());
            }
            for (String field : new String[] {"detail", "message", "error", "status"}) {
                if (body.path(field).isTextual()) {
                    return truncate(": " + body.path(field).asText());
                }
            }
            return truncate(": " + body);
        }
        if (text == null || text.isBlank()) {
            return "";
        }
        String html = htmlHeadline(text);
        return html != null
                ? ": " + truncate(html) + " (an HTML error page)"
                : truncate(": " + firstLine(text.strip()));
    }

    /**
     * The headline of an HTML error page (the nginx pages fal's ingress sends with 502/503/504): its title, else its
     * first heading, else its text; null when the body is not HTML. The page itself is noise to an agent.
     */
    static String htmlHeadline(String text) {
        String t = text.strip();
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        if (!(lower.startsWith("<")
                && (lower.contains("<html")
                        || lower.contains("<body")
                        || lower.contains("<h1")
                        || lower.contains("<title")
                        || lower.startsWith("<!doctype")))) {
            return null;
        }
        for (String tag : new String[] {"title", "h1"}) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                            "<" + tag + "[^>]*>(.*?)</" + tag + ">",
                            java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.DOTALL)
                    .matcher(t);
            if (m.find()) {
                String inner = m.group(1)
                        .replaceAll("<[^>]*>", " ")
                        .replaceAll("\\s+", " ")
                        .strip();
                if (!inner.isEmpty()) {
                    return inner;
                }
            }
        }
        String plain = t.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
        return plain.isEmpty() ? "(empty page)" : plain;
    }

    private static String truncate(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
    }

    private static String text(JsonNode n, String field) {
        return n != null && n.path(field).isTextual() ? n.path(field).asText() : null;
    }
}
