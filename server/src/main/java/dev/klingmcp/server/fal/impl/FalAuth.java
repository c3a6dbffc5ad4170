package dev.klingmcp.server.fal.impl;

import dev.klingmcp.server.config.FalKey;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Adds {@code Authorization: Key …} to a request ONLY when its origin (scheme, host, port) is one of the configured fal
 * bases. Anything else (an output URL on a CDN, a presigned upload URL, a webhook, a URL an agent typed) goes out without
 * the key, whatever code path built the request.
 */
final class FalAuth implements Consumer<HttpRequest.Builder> {

    private final FalKey key;
    private final Set<String> origins;

    FalAuth(FalKey key, Set<URI> falBases) {
        this.key = key;
        this.origins = falBases.stream().map(FalAuth::origin).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void accept(HttpRequest.Builder builder) {
        // HttpRequest.Builder has no getters: look at a throw-away copy to learn where this request goes.
        if (key.isPresent() && isFalOrigin(builder.copy().build().uri())) {
            builder.setHeader("Authorization", "Key " + key.reveal());
        }
    }

    boolean isFalOrigin(URI uri) {
        return origins.contains(origin(uri));
    }

    static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + ":" + port;
    }
}
