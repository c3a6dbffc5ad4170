package dev.klingmcp.mock.webhook;

import java.time.Duration;

/**
 * How webhook deliveries are retried.
 *
 * <p>fal documents "10 attempts in the span of 2 hours" and (per a third-party summary) a 15 s timeout. The defaults
 * reproduce that: the first retry after 15 s, doubling each time (15 s … 64 min), which sums to about 2.1 h over 9 retries.
 * {@code speed} divides the retry delays the same way the mock's speed factor divides job timings, so tests and demos do
 * not wait hours. The per-attempt timeout is NOT scaled: it bounds a real socket to a real receiver.
 *
 * @param maxAttempts       total attempts including the first (1 = never retry)
 * @param firstRetryDelay   delay before attempt 2 at speed 1
 * @param backoffMultiplier growth of the delay per retry
 * @param maxRetryDelay     cap on a single delay at speed 1
 * @param attemptTimeout    whole-exchange timeout of one attempt
 * @param userId            sent as {@code X-Fal-Webhook-User-Id} and signed
 * @param speed             divisor applied to retry delays (1 = real time)
 */
public record WebhookOptions(
        int maxAttempts,
        Duration firstRetryDelay,
        double backoffMultiplier,
        Duration maxRetryDelay,
        Duration attemptTimeout,
        String userId,
        double speed) {

    public WebhookOptions {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (backoffMultiplier < 1) {
            throw new IllegalArgumentException("backoffMultiplier must be at least 1, was " + backoffMultiplier);
        }
        if (!(speed > 0)) {
            throw new IllegalArgumentException("speed must be positive, was " + speed);
        }
        if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
            throw new IllegalArgumentException("attemptTimeout must be positive, was " + attemptTimeout);
        }
    }

    /** fal-like: 10 attempts, 15 s doubling up to 64 min, 15 s per attempt, user id {@code mock-user}, real time. */
    public static WebhookOptions defaults() {
        return new WebhookOptions(
                10, Duration.ofSeconds(15), 2.0, Duration.ofMinutes(64), Duration.ofSeconds(15), "mock-user", 1.0);
    }

    public WebhookOptions withSpeed(double newSpeed) {
        return new WebhookOptions(
                maxAttempts, firstRetryDelay, backoffMultiplier, maxRetryDelay, attemptTimeout, userId, newSpeed);
    }

    public WebhookOptions withMaxAttempts(int attempts) {
        return new WebhookOptions(
                attempts, firstRetryDelay, backoffMultiplier, maxRetryDelay, attemptTimeout, userId, speed);
    }

    public WebhookOptions withAttemptTimeout(Duration timeout) {
        return new WebhookOptions(
                maxAttempts, firstRetryDelay, backoffMultiplier, maxRetryDelay, timeout, userId, speed);
    }

    public WebhookOptions withUserId(String newUserId) {
        return new WebhookOptions(
                maxAttempts, firstRetryDelay, backoffMultiplier, maxRetryDelay, attemptTimeout, newUserId, speed);
    }

    /**
     * The wait before attempt {@code attempt} (2-based: attempt 1 goes out at once), after the speed factor, never below
     * 1 ms because Vert.x timers need a positive delay.
     */
    public Duration delayBefore(int attempt) {
        if (attempt <= 1) {
            return Duration.ZERO;
        }
        double realMillis = firstRetryDelay.toMillis() * Math.pow(backoffMultiplier, attempt - 2);
        double capped = Math.min(realMillis, (double) maxRetryDelay.toMillis());
        return Duration.ofMillis(Math.max(1, Math.round(capped / speed)));
    }
}
