package dev.klingmcp.mock.webhook;

import dev.klingmcp.mock.webhook.WebhookDelivery.Attempt;
import dev.klingmcp.mock.webhook.WebhookDelivery.Outcome;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers signed webhooks the way fal does: POST the {@link WebhookEvent} JSON with the four {@code X-Fal-Webhook-*}
 * headers, retry with exponential backoff on connection errors, timeouts and non-2xx answers, give up after
 * {@link WebhookOptions#maxAttempts()}. Every attempt is re-signed with a fresh timestamp, so a receiver enforcing fal's
 * 300 s clock-skew rule still accepts a retry that comes an hour later.
 *
 * <p>Runs entirely on Vert.x (non-blocking client and timers); {@link #deliveries()} is a thread-safe snapshot for the
 * control API.
 */
public final class WebhookDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

    private final Vertx vertx;
    private final WebhookSigner signer;
    private final WebhookOptions options;
    private final Clock clock;
    private final HttpClientAgent client;
    private final List<Tracker> trackers = new CopyOnWriteArrayList<>();

    public WebhookDispatcher(Vertx vertx, WebhookSigner signer, WebhookOptions options) {
        this(vertx, signer, options, Clock.systemUTC());
    }

    /** {@code clock} supplies the signed timestamps; receivers compare them with their own wall clock. */
    public WebhookDispatcher(Vertx vertx, WebhookSigner signer, WebhookOptions options, Clock clock) {
        this.vertx = vertx;
        this.signer = signer;
        this.options = options;
        this.clock = clock;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) options.attemptTimeout().toMillis()));
    }

    /**
     * Starts delivering {@code event} to {@code url}; the future completes with the final record (delivered, failed or
     * cancelled) and never fails. A URL that is not absolute http(s) fails the delivery at once, with the reason recorded.
     */
    public Future<WebhookDelivery> dispatch(String url, WebhookEvent event) {
        Tracker tracker = new Tracker(event.requestId(), url, event.toJsonBytes(), vertx.getOrCreateContext());
        trackers.add(tracker);
        String problem = urlProblem(url);
        if (problem != null) {
            tracker.record(new Attempt(1, 0, problem, clock.instant().getEpochSecond()));
            tracker.finish(Outcome.FAILED);
        } else {
            tracker.context.runOnContext(ignored -> attempt(tracker, 1));
        }
        return tracker.done.future();
    }

    /** Every delivery since start or the last {@link #reset()}, oldest first. */
    public List<WebhookDelivery> deliveries() {
        List<WebhookDelivery> snapshot = new ArrayList<>();
        trackers.forEach(tracker -> snapshot.add(tracker.snapshot()));
        return snapshot;
    }

    /** Stops pending retries and forgets the record (control API reset). */
    public void reset() {
        trackers.forEach(tracker -> tracker.finish(Outcome.CANCELLED));
        trackers.clear();
    }

    @Override
    public void close() {
        reset();
        client.close();
    }

    private void attempt(Tracker tracker, int number) {
        if (tracker.isFinished()) {
            return;
        }
        long timestamp = clock.instant().getEpochSecond();
        String signature = signer.sign(tracker.requestId, options.userId(), timestamp, tracker.body);
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(tracker.url)
                .setIdleTimeout(options.attemptTimeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", "mock-fal-webhook")
                .putHeader("X-Fal-Webhook-Request-Id", tracker.requestId)
                .putHeader("X-Fal-Webhook-User-Id", options.userId())
                .putHeader("X-Fal-Webhook-Timestamp", Long.toString(timestamp))
                .putHeader("X-Fal-Webhook-Signature", signature);
        client.request(request)
                .compose(outgoing -> outgoing.send(Buffer.buffer(tracker.body)))
                .compose(response -> response.body().map(ignored -> response.statusCode()))
                .onComplete(result -> {
                    int status = result.succeeded() ? result.result() : 0;
                    boolean delivered = status >= 200 && status < 300;
                    String error = delivered
                            ? null
                            : result.succeeded() ? "receiver answered HTTP " + status : describe(result.cause());
                    tracker.record(new Attempt(number, status, error, timestamp));
                    LOG.info(
                            "webhook {} attempt {}/{} -> {}",
                            tracker.requestId,
                            number,
                            options.maxAttempts(),
                            delivered ? status : error);
                    if (delivered) {
                        tracker.finish(Outcome.DELIVERED);
                    } else if (number >= options.maxAttempts()) {
                        tracker.finish(Outcome.FAILED);
                    } else {
                        vertx.setTimer(options.delayBefore(number + 1).toMillis(), id -> attempt(tracker, number + 1));
                    }
                });
    }

    private static String urlProblem(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((!scheme.equals("http") && !scheme.equals("https")) || uri.getHost() == null) {
                return "webhook URL must be an absolute http(s) URL, was '" + url + "'";
            }
            return null;
        } catch (Exception e) {
            return "webhook URL is not a valid URL: '" + url + "'";
        }
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Mutable state of one delivery; attempts are appended from the event loop and read from any thread. */
    private static final class Tracker {
        final String requestId;
        final String url;
        final byte[] body;
        final Context context;
        final Promise<WebhookDelivery> done = Promise.promise();
        private final List<Attempt> attempts = new ArrayList<>();
        private Outcome outcome = Outcome.PENDING;

        Tracker(String requestId, String url, byte[] body, Context context) {
            this.requestId = requestId;
            this.url = url;
            this.body = body;
            this.context = context;
        }

        synchronized void record(Attempt attempt) {
            attempts.add(attempt);
        }

        synchronized boolean isFinished() {
            return outcome != Outcome.PENDING;
        }

        void finish(Outcome finalOutcome) {
            synchronized (this) {
                if (outcome != Outcome.PENDING) {
                    return;
                }
                outcome = finalOutcome;
            }
            done.tryComplete(snapshot());
        }

        synchronized WebhookDelivery snapshot() {
            return new WebhookDelivery(requestId, url, outcome, attempts);
        }
    }
}
