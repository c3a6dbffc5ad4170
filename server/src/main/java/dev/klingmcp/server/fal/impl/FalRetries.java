package dev.klingmcp.server.fal.impl;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.function.CheckedSupplier;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.fal.CallDeadline;
import dev.klingmcp.server.fal.FalException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The two retry rules of the gateway (failsafe; exponential backoff with ±25 % jitter; a {@code Retry-After} answer sets
 * the delay, and one longer than the configured maximum delay ends the retries so the caller can report it instead of
 * blocking an MCP call for minutes).
 *
 * <ul>
 *   <li>{@link #idempotent}: status, stream, result, cancel, storage, download. Retried on 408, 429, 500, 502, 503, 504
 *       and on broken or refused connections. Never a 504 carrying {@code X-Fal-Request-Timeout-Type}: fal gave up on
 *       purpose.</li>
 *   <li>{@link #submit}: a POST that creates a paid job. Retried ONLY when fal certainly did not accept it: 429, no
 *       connection at all, or an ingress 502/503/504 without {@code x-fal-request-id} (the request never reached the
 *       queue). A reset after sending, a 500, or a 5xx with a request id may have created a job: not retried.</li>
 * </ul>
 */
final class FalRetries {

    private static final Set<Integer> RETRYABLE_STATUS = Set.of(408, 429, 500, 502, 503, 504);
    private static final Set<Integer> INGRESS_STATUS = Set.of(502, 503, 504);
    private static final double JITTER = 0.25;
    private static final Duration MIN_TIME_FOR_RETRY = Duration.ofMillis(1500);

    private final ServerConfig.Retry config;
    private final AtomicInteger retries = new AtomicInteger();

    FalRetries(ServerConfig.Retry config) {
        this.config = config;
    }

    <T> T idempotent(CheckedSupplier<T> call) {
        return run(call, FalRetries::retryableIdempotent);
    }

    <T> T submit(CheckedSupplier<T> call) {
        return run(call, FalRetries::retryableSubmit);
    }

    /** How many retries (not first attempts) this gateway made; for tests and diagnostics. */
    int retryCount() {
        return retries.get();
    }

    static boolean retryableIdempotent(FalException e) {
        return switch (e.kind()) {
            case NOT_CONNECTED, IO, DECODING -> true;
            case HTTP -> RETRYABLE_STATUS.contains(e.status()) && e.timeoutType() == null;
            case PROTOCOL -> false;
        };
    }

    static boolean retryableSubmit(FalException e) {
        return switch (e.kind()) {
            case NOT_CONNECTED -> true;
            case HTTP -> e.status() == 429
                    || (INGRESS_STATUS.contains(e.status()) && e.falRequestId() == null && e.timeoutType() == null);
            case IO, DECODING, PROTOCOL -> false;
        };
    }

    /**
     * The delay before retry {@code attempt} (1 = the first retry): fal's {@code Retry-After} when it sent one, else
     * {@code base × 2^(attempt-1)} capped at {@code max}. Failsafe then applies the ±25 % jitter, so a {@code Retry-After}
     * is stretched to keep even the lowest jittered value at or above what fal asked.
     */
    static Duration delayBefore(int attempt, Duration retryAfter, Duration base, Duration max) {
        if (retryAfter != null) {
            return Duration.ofNanos((long) Math.ceil(retryAfter.toNanos() / (1 - JITTER)));
        }
        long nanos = base.toNanos();
        for (int i = 1; i < attempt && nanos < max.toNanos(); i++) {
            nanos *= 2;
        }
        return Duration.ofNanos(Math.min(nanos, max.toNanos()));
    }

    private static Duration retryAfterOf(Throwable t) {
        return t instanceof FalException f ? f.retryAfter() : null;
    }

    private <T> T run(CheckedSupplier<T> call, java.util.function.Predicate<FalException> retryable) {
        Duration max = config.maxDelay();
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<FalException> last = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean cut = new java.util.concurrent.atomic.AtomicBoolean();
        // Retries stop at the tool call's deadline: the call answers then with the last failure, and nobody would read
        // a later attempt. A waiting retry is shortened to end before the deadline, then not made.
        CheckedSupplier<T> attempt = () -> {
            Duration now = CallDeadline.remainingHere();
            if (attempts.incrementAndGet() > 1
                    && (cut.get() || (now != null && now.compareTo(MIN_TIME_FOR_RETRY) < 0))) {
                throw new DeadlineReached();
            }
            try {
                return call.get();
            } catch (FalException e) {
                last.set(e);
                throw e;
            }
        };
        RetryPolicy<T> policy = RetryPolicy.<T>builder()
                .handleIf(t -> t instanceof FalException f && retryable.test(f))
                .abortIf((r, t) -> t instanceof FalException f
                        && f.retryAfter() != null
                        && f.retryAfter().compareTo(max) > 0)
                .withJitter(JITTER)
                // Failsafe's own backoff can't be combined with a per-failure delay, so the function does both.
                .withDelayFn(ctx -> {
                    Duration wanted = delayBefore(
                            ctx.getAttemptCount(), retryAfterOf(ctx.getLastException()), config.baseDelay(), max);
                    Duration allowed = bounded(wanted);
                    if (allowed.compareTo(wanted) < 0) {
                        cut.set(true); // the wait fal asked for does not fit: report the failure instead
                    }
                    return allowed;
                })
                .withMaxAttempts(Math.max(1, config.maxAttempts()))
                .onRetry(event -> retries.incrementAndGet())
                .build();
        try {
            return Failsafe.with(policy).get(attempt);
        } catch (DeadlineReached stop) {
            throw last.get();
        } catch (FailsafeException wrapped) {
            Throwable cause = wrapped.getCause();
            if (cause instanceof DeadlineReached) {
                throw last.get();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new FalException(
                    FalException.Kind.IO, "unexpected failure: " + cause, 0, null, null, null, null, null, cause);
        }
    }

    /** A retry's delay cut so that it ends {@link #MIN_TIME_FOR_RETRY} before the call's deadline, if there is one. */
    private static Duration bounded(Duration delay) {
        Duration left = CallDeadline.remainingHere();
        if (left == null) {
            return delay;
        }
        Duration usable = left.minus(MIN_TIME_FOR_RETRY);
        return usable.isNegative() ? Duration.ZERO : usable.compareTo(delay) < 0 ? usable : delay;
    }

    /** Thrown instead of an attempt the deadline leaves no time for; replaced by the last real failure. */
    private static final class DeadlineReached extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DeadlineReached() {
            super("the tool call's deadline leaves no time for another attempt", null, false, false);
        }
    }
}
