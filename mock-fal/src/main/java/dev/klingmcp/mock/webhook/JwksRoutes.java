package dev.klingmcp.mock.webhook;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;

/** Serves the webhook signing keys at {@code GET /.well-known/jwks.json}, where fal publishes its own (public, no auth). */
public final class JwksRoutes {

    public static final String PATH = "/.well-known/jwks.json";

    private JwksRoutes() {}

    /** One-line wiring: {@code JwksRoutes.mount(router, signer)}. */
    public static void mount(Router router, WebhookSigner signer) {
        String body = Json.encode(signer.jwks());
        router.get(PATH).handler(ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                // fal tells receivers to cache keys for at most 24 h; say the same so receivers behave as in
                // production.
                .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=86400")
                .end(body));
    }
}
