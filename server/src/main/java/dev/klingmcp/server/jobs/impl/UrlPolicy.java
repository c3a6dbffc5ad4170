package dev.klingmcp.server.jobs.impl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.openapi.Violation;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which URLs a job may carry to fal: the media inputs (every field fal names {@code *_url} or {@code *_urls}, at any
 * depth) and the webhook. fal fetches them from its own network, so a URL that only makes sense here (loopback, a
 * private or link-local address such as a cloud metadata service), one carrying credentials, or one that is not https
 * would fail at fal after the job was queued, or leak something. Checked before the ledger and any network call.
 *
 * <p>Hosts are never resolved (no DNS from a validation step); only literal addresses are judged. The {@code allowed}
 * hosts (a local mock's, and any configured) may use plain http and private or loopback addresses.
 */
public final class UrlPolicy {

    /** Longer URLs are refused by common CDNs and proxies; no URL fal hands out comes close. */
    public static final int MAX_LENGTH = 2048;

    private static final Pattern NUMERIC_HOST = Pattern.compile("[0-9a-fA-FxX.]+");
    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Set<String> allowed;

    /** @param allowedHosts lower-case host names or literal addresses that may use http and private addresses */
    public UrlPolicy(Set<String> allowedHosts) {
        this.allowed = Set.copyOf(allowedHosts);
    }

    /** Problems with every URL field of a model input (path = the field's JSON Pointer). */
    public List<Violation> checkInput(JsonNode input) {
        List<Violation> out = new ArrayList<>();
        walk(input, "", false, out);
        return out;
    }

    private void walk(JsonNode node, String path, boolean urlField, List<Violation> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                String name = f.getKey();
                boolean isUrl = name.endsWith("_url") || name.endsWith("_urls");
                walk(f.getValue(), path + "/" + name.replace("~", "~0").replace("/", "~1"), isUrl, out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "/" + i, urlField, out);
            }
        } else if (urlField && node.isTextual()) {
            Violation v = check(path, node.asText());
            if (v != null) {
                out.add(v);
            }
        }
    }

    /** The problem with one URL, or null when fal may be given it. */
    public Violation check(String path, String url) {
        String allowedText = "an https:// URL of a public host, without user:password@ (upload a local file first)";
        if (url.length() > MAX_LENGTH) {
            return problem(path, "is " + url.length() + " characters long", "at most " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c < 0x21 || c == 0x7f) {
                return problem(
                        path,
                        "contains a control character or space at position " + i + ": " + quote(url),
                        allowedText);
            }
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return problem(path, "is not a URL: " + quote(url), allowedText);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || host == null || host.isEmpty()) {
            return problem(path, "is not an absolute http(s) URL with a host: " + quote(url), allowedText);
        }
        boolean trusted = allowed.contains(host) || allowed.contains(stripBrackets(host));
        if (!scheme.equals("https") && !(scheme.equals("http") && trusted)) {
            return problem(
                    path, "uses " + quote(scheme + ":") + "; only https is accepted: " + quote(url), allowedText);
        }
        if (uri.getRawUserInfo() != null) {
            return problem(
                    path, "carries credentials (user:password@): refused so they are not sent to fal", allowedText);
        }
        if (!trusted) {
            String why = localOnly(host);
            if (why != null) {
                return problem(path, "points at " + why + ", which fal cannot reach: " + quote(url), allowedText);
            }
        }
        return null;
    }

    /** Why a host names this machine or a private network, or null when it may be public. */
    static String localOnly(String host) {
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return "this machine (localhost)";
        }
        String literal = stripBrackets(host);
        boolean ipv6 = host.startsWith("[");
        if (!ipv6
                && NUMERIC_HOST.matcher(literal).matches()
                && !DOTTED_QUAD.matcher(literal).matches()) {
            // 2130706433, 0x7f.1, 127.1: forms some resolvers read as an address; never a public host name.
            return "an address written in a non-standard form";
        }
        if (!ipv6 && !DOTTED_QUAD.matcher(literal).matches()) {
            return null;
        }
        InetAddress a;
        try {
            a = InetAddress.getByName(literal); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return "an invalid address";
        }
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            return "this machine (" + literal + ")";
        }
        if (a.isLinkLocalAddress()) {
            return "a link-local address (" + literal + ", e.g. a cloud metadata service)";
        }
        if (a.isSiteLocalAddress() || a.isMulticastAddress() || isUniqueLocal(a) || isSharedOrReserved(a)) {
            return "a private or reserved address (" + literal + ")";
        }
        return null;
    }

    private static boolean isUniqueLocal(InetAddress a) {
        return a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc;
    }

    /** 100.64.0.0/10 (carrier-grade NAT) and 0.0.0.0/8, which Java does not classify. */
    private static boolean isSharedOrReserved(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length != 4) {
            return false;
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return first == 0 || (first == 100 && second >= 64 && second < 128);
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static Violation problem(String path, String problem, String allowed) {
        return Violation.of(path, "url_parsing", problem, allowed);
    }

    private static String quote(String text) {
        String shown = text.length() > 60 ? text.substring(0, 60) + "…" : text;
        StringBuilder b = new StringBuilder("\"");
        shown.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.append(Character.toChars(c));
            }
        });
        return b.append('"').toString();
    }
}
