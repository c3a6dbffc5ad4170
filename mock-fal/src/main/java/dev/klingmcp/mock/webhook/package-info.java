/**
 * Webhooks exactly as fal sends them: a {@link dev.klingmcp.mock.webhook.WebhookEvent} body
 * {@code {request_id, gateway_request_id, status: OK|ERROR, payload, error[, payload_error]}}, signed with Ed25519 over
 * {@code request_id\nuser_id\ntimestamp\nsha256hex(body)} (hex in {@code X-Fal-Webhook-Signature}, plus
 * {@code X-Fal-Webhook-Request-Id}, {@code -User-Id}, {@code -Timestamp}), the key published as a JWKS, and retries with
 * exponential backoff (default 10 attempts over ≈2 h, divided by the speed factor; each attempt re-signed).
 *
 * <h2>Wiring (one line each)</h2>
 * <pre>{@code
 * WebhookSigner signer = WebhookSigner.fromSeed(seed);      // or generate()
 * JwksRoutes.mount(router, signer);                        // GET /.well-known/jwks.json
 * WebhookDispatcher webhooks = new WebhookDispatcher(vertx, signer, WebhookOptions.defaults().withSpeed(speed)
 *         .withUserId(userId));
 * webhooks.dispatch(url, WebhookEvent.ok(requestId, outputJson));                       // Future<WebhookDelivery>
 * webhooks.dispatch(url, WebhookEvent.error(requestId, "Invalid status code: 422", detailJson));
 * webhooks.deliveries();  webhooks.reset();                // control API
 * }</pre>
 */
package dev.klingmcp.mock.webhook;
