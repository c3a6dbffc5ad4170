package dev.klingmcp.mock.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where a call was really addressed. The mock serves one origin, but fal has two with the same paths:
 * {@code queue.fal.run} (submit and return) and {@code fal.run} (run and wait). A call is a sync run when
 * <ul>
 *   <li>its path starts with {@code /_sync/} (explicit, works with any client that can change a URL),</li>
 *   <li>its {@code Host} is {@code fal.run} (a client pointed at the mock through DNS or an HTTP proxy), or</li>
 *   <li>it carries {@code X-Fal-Target-Host: fal.run} (what a {@code requestMiddleware} can add when it rewrites
 *       the origin; fal's own client does not send it, so plain rewriting keeps the queue behaviour), or</li>
 *   <li>it came through {@code /api/fal/proxy} with an {@code x-fal-target-url} on {@code fal.run}.</li>
 * </ul>
 *
 * @param path  the fal path (without {@code /_sync})
 * @param query the query parameters
 * @param sync  true for a {@code fal.run} call
 */
public record CallTarget(String path, MultiMap query, boolean sync) {

    public static final String SYNC_PREFIX = "/_sync";
    public static final String TARGET_HOST_HEADER = "X-Fal-Target-Host";

    /** Where the routes leave the target for the request report ({@code RoutingContext.get}). */
    public static final String CONTEXT_KEY = "mock-fal.target";

    public static CallTarget of(HttpServerRequest request) {
        String path = request.path();
        boolean sync = false;
        if (path.equals(SYNC_PREFIX) || path.startsWith(SYNC_PREFIX + "/")) {
            path = path.substring(SYNC_PREFIX.length());
            sync = true;
        }
        sync |= isRunHost(request.getHeader(TARGET_HOST_HEADER)) || isRunHost(request.getHeader("Host"));
        return new CallTarget(path.isEmpty() ? "/" : path, request.params(), sync);
    }

    /** Decodes the {@code x-fal-target-url} of a proxied call; null when it is not a fal queue/run URL. */
    public static CallTarget ofProxied(String targetUrl) {
        URI uri;
        try {
            uri = URI.create(targetUrl.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!host.equals("queue.fal.run") && !host.equals("fal.run")) {
            return null;
        }
        MultiMap query = MultiMap.caseInsensitiveMultiMap();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&", 0)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? "" : pair.substring(eq + 1);
                query.add(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            }
        }
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        return new CallTarget(path, query, host.equals("fal.run"));
    }

    private static boolean isRunHost(String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        int colon = host.indexOf(':');
        return (colon < 0 ? host : host.substring(0, colon)).equals("fal.run");
    }
}
