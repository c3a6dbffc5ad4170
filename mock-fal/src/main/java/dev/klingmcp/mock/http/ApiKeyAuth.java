package dev.klingmcp.mock.http;

import io.vertx.core.http.HttpServerRequest;
import java.util.Optional;
import java.util.Set;

/**
 * fal's {@code Authorization: Key <key>} check. With no keys configured any non-empty key passes (the mock then only
 * checks that a client sends one); public mode lets keyless calls through, but a key that is sent must still be valid.
 * Messages never contain the key that was sent.
 */
public final class ApiKeyAuth {

    private final Set<String> keys;
    private final boolean publicMode;

    public ApiKeyAuth(Set<String> keys, boolean publicMode) {
        this.keys = Set.copyOf(keys);
        this.publicMode = publicMode;
    }

    /** Empty when allowed; otherwise the 401 {@code detail} to send. */
    public Optional<String> refusal(HttpServerRequest request) {
        return refusal(request.getHeader("Authorization"));
    }

    /** The same check on the raw {@code Authorization} header value (null when absent). */
    public Optional<String> refusal(String header) {
        if (header == null || header.isBlank()) {
            // Public models accept keyless calls; a key that is sent is still checked.
            return publicMode
                    ? Optional.empty()
                    : Optional.of("Missing credentials: send the header 'Authorization: Key <your fal key>'");
        }
        String trimmed = header.trim();
        if (!trimmed.regionMatches(true, 0, "key ", 0, 4)) {
            return Optional.of("Unsupported authorization scheme: expected 'Authorization: Key <your fal key>'");
        }
        String key = trimmed.substring(4).trim();
        if (key.isEmpty()) {
            return Optional.of("Empty API key in the Authorization header");
        }
        return keys.isEmpty() || keys.contains(key) ? Optional.empty() : Optional.of("Invalid API key");
    }
}
