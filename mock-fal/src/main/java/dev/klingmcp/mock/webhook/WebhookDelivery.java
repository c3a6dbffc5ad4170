package dev.klingmcp.mock.webhook;

import java.util.List;

/**
 * What happened to one webhook, for the control API and tests: every attempt, and the outcome so far.
 *
 * @param requestId the request the webhook reports on
 * @param url       where it was sent
 * @param outcome   {@code PENDING} while retries remain
 * @param attempts  in order; never empty once the first attempt has finished
 */
public record WebhookDelivery(String requestId, String url, Outcome outcome, List<Attempt> attempts) {

    public enum Outcome {
        PENDING,
        DELIVERED,
        FAILED,
        CANCELLED
    }

    /**
     * One POST.
     *
     * @param number      1-based
     * @param statusCode  the receiver's HTTP status, or 0 when no response arrived
     * @param error       why no 2xx (connection refused, timeout, non-2xx status), null on success
     * @param timestamp   the signed {@code X-Fal-Webhook-Timestamp} (unix seconds)
     */
    public record Attempt(int number, int statusCode, String error, long timestamp) {}

    public WebhookDelivery {
        attempts = List.copyOf(attempts);
    }
}
