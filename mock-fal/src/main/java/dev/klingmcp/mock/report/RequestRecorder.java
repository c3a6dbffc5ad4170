package dev.klingmcp.mock.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.http.CallTarget;
import dev.klingmcp.mock.http.FalCall;
import dev.klingmcp.mock.http.FalJson;
import dev.klingmcp.mock.queue.SimClock;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records every request the mock receives (except the control API) with the contract check of {@link ContractChecker},
 * for {@code GET /_mock/requests} and {@code MockControl.requests()}. A request is recorded when its answer starts (an
 * SSE stream as soon as it opens), or when the connection closes without one. The newest {@link #CAPACITY} are kept,
 * so a mock serving a load test does not grow without bound. Headers are never stored: they carry the caller's key.
 */
public final class RequestRecorder {

    public static final int CAPACITY = 10_000;
    private static final int MAX_BODY_BYTES = 16 * 1024;

    private final ContractChecker checker;
    private final SimClock clock;
    private final AtomicLong sequence = new AtomicLong();
    private final Deque<RecordedRequest> records = new ArrayDeque<>();

    public RequestRecorder(ContractChecker checker, SimClock clock) {
        this.checker = checker;
        this.clock = clock;
    }

    /** Mounts the recording handler ahead of every route but the access log. */
    public void mount(Router router, String controlPrefix) {
        router.route().order(-999).handler(ctx -> {
            if (!ctx.request().path().startsWith(controlPrefix + "/")) {
                track(ctx);
            }
            ctx.next();
        });
    }

    /** Everything recorded since the start or the last reset, oldest first. */
    public List<RecordedRequest> requests() {
        List<RecordedRequest> copy;
        synchronized (records) {
            copy = new ArrayList<>(records);
        }
        copy.sort(Comparator.comparingLong(RecordedRequest::seq));
        return copy;
    }

    public void reset() {
        synchronized (records) {
            records.clear();
            sequence.set(0);
        }
    }

    private void track(RoutingContext ctx) {
        long seq = sequence.incrementAndGet();
        long at = clock.nowMillis();
        AtomicBoolean done = new AtomicBoolean();
        // Headers about to be written: the status is set. Ended without them: the connection went away unanswered.
        ctx.addHeadersEndHandler(v -> {
            if (done.compareAndSet(false, true)) {
                add(record(ctx, seq, at, ctx.response().getStatusCode()));
            }
        });
        ctx.addEndHandler(ar -> {
            if (done.compareAndSet(false, true)) {
                add(record(
                        ctx,
                        seq,
                        at,
                        ctx.response().headWritten() ? ctx.response().getStatusCode() : 0));
            }
        });
    }

    private void add(RecordedRequest record) {
        synchronized (records) {
            if (records.size() >= CAPACITY) {
                records.removeFirst();
            }
            records.addLast(record);
        }
    }

    private RecordedRequest record(RoutingContext ctx, long seq, long at, int status) {
        String method = ctx.request().method().name();
        String path = ctx.request().path();
        String query = ctx.request().query();
        String requestId = ctx.response().headers().get("x-fal-request-id");
        FalCall call = ctx.get(FalCall.CONTEXT_KEY);
        if (call == null) {
            return new RecordedRequest(
                    seq, at, method, path, query, "other", null, requestId, status, null, false, List.of());
        }
        CallTarget target = ctx.get(CallTarget.CONTEXT_KEY);
        Buffer body = ctx.get(FalCall.BODY_KEY);
        MultiMap params = target == null ? ctx.request().params() : target.query();
        boolean checked = checker.covers(call);
        List<ContractViolation> violations = checked
                ? safeCheck(
                        method,
                        target == null ? path : target.path(),
                        call,
                        ctx.request().headers(),
                        params,
                        body)
                : List.of();
        String kind = call.kind() == FalCall.Kind.NOT_FOUND
                ? "unknown"
                : call.kind().name().toLowerCase(Locale.ROOT);
        return new RecordedRequest(
                seq,
                at,
                method,
                path,
                query,
                kind,
                call.endpoint() == null ? null : call.endpoint().id(),
                requestId != null ? requestId : call.requestId(),
                status,
                bodyOf(body),
                checked,
                violations);
    }

    /** The report must never break the mock: a checker bug becomes a visible entry, not a failed answer. */
    private List<ContractViolation> safeCheck(
            String method, String path, FalCall call, MultiMap headers, MultiMap query, Buffer body) {
        try {
            return checker.check(method, path, call, headers, query, body);
        } catch (RuntimeException e) {
            return List.of(new ContractViolation(
                    "path", path, "mock-fal could not check this request: " + e, "", "internal_error"));
        }
    }

    private static JsonNode bodyOf(Buffer body) {
        if (body == null || body.length() == 0) {
            return null;
        }
        if (body.length() > MAX_BODY_BYTES) {
            return FalJson.object().put("omitted", "body of " + body.length() + " bytes");
        }
        try {
            return FalJson.MAPPER.readTree(body.getBytes());
        } catch (IOException e) {
            return FalJson.MAPPER.getNodeFactory().textNode(body.toString());
        }
    }
}
