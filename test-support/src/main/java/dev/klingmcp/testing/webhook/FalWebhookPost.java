package dev.klingmcp.testing.webhook;

import java.net.URI;
import java.net.http.HttpRequest;

/**
 * A webhook delivery as fal POSTs it to a receiver: the JSON body and the four {@code X-Fal-Webhook-*} headers the
 * signature covers. Tests build one to deliver, replay or tamper with a callback without waiting for a sender; signing
 * is the caller's (mock-fal's {@code WebhookSigner}), so a test can also send a wrong signature.
 */
public final class FalWebhookPost {

    private FalWebhookPost() {}

    /** The request, ready to send or to add a timeout to. */
    public static HttpRequest.Builder to(
            URI receiver, String requestId, String userId, long timestamp, String signatureHex, byte[] body) {
        return HttpRequest.newBuilder(receiver)
                .header("Content-Type", "application/json")
                .header("X-Fal-Webhook-Request-Id", requestId)
                .header("X-Fal-Webhook-User-Id", userId)
                .header("X-Fal-Webhook-Timestamp", Long.toString(timestamp))
                .header("X-Fal-Webhook-Signature", signatureHex)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }
}
