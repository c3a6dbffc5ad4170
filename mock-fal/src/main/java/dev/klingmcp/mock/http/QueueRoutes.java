package dev.klingmcp.mock.http;

import dev.klingmcp.mock.fault.FaultAction;
import dev.klingmcp.mock.fault.FaultInjector;
import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.mock.fault.FaultRoute;
import dev.klingmcp.mock.queue.ModelCatalog;
import dev.klingmcp.mock.queue.SubmitCounters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * The queue.fal.run / fal.run surface. Every call goes through the same steps, in fal's order: resolve the path
 * (unknown -> the gateway's 404), count submits, inject faults (the ingress fails before auth is even looked at),
 * check the key, then hand over to {@link QueueHandlers}.
 */
public final class QueueRoutes {

    /** Header a test can send to add faults on the fly, in {@link FaultPlan}'s text form. */
    public static final String FAULT_HEADER = "X-Mock-Fault";

    public static final String PROXY_PATH = "/api/fal/proxy";

    /**
     * {@code /<owner>/<app>[/...]/requests/<id>/status[/stream]}, outside the mock's own and the storage prefixes. No
     * capturing groups: Vert.x would add each as a request parameter (param0...), which the query check reports.
     */
    static final String STATUS_PATHS =
            "^/(?!_mock/|cdn/|storage/)[^/]+/[^/]+(?:/[^/]+)*/requests/[^/]+/status(?:/stream)?/?$";

    private final ModelCatalog catalog;
    private final SubmitCounters counters;
    private final FaultInjector faults;
    private final FaultResponder faultResponder;
    private final ApiKeyAuth auth;
    private final QueueHandlers handlers;
    private final long maxBodyBytes;

    /**
     * Paths already understood (a polling client sends the same one again and again); the catalog never changes, so
     * neither does the answer. Bounded: past {@link #MAX_PARSED} entries it starts over.
     */
    private final java.util.Map<String, FalCall> parsed = new java.util.concurrent.ConcurrentHashMap<>();

    private static final int MAX_PARSED = 4096;

    public QueueRoutes(
            ModelCatalog catalog,
            SubmitCounters counters,
            FaultInjector faults,
            FaultResponder faultResponder,
            ApiKeyAuth auth,
            QueueHandlers handlers,
            long maxBodyBytes) {
        this.catalog = catalog;
        this.counters = counters;
        this.faults = faults;
        this.faultResponder = faultResponder;
        this.auth = auth;
        this.handlers = handlers;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The proxy entry (before storage routes, so it can re-route to them) and the catch-all queue route (last). */
    public void mountProxy(Router router) {
        router.route(PROXY_PATH).handler(this::proxy);
    }

    public void mountQueue(Router router) {
        // Status reads and streams are what clients send most (polling), and their paths belong to no other route (the
        // control, storage and CDN prefixes are excluded): they go straight to the queue instead of past every route.
        router.routeWithRegex(HttpMethod.GET, STATUS_PATHS)
                .order(-500)
                .handler(ctx -> handle(ctx, CallTarget.of(ctx.request())));
        router.route().handler(ctx -> handle(ctx, CallTarget.of(ctx.request())));
    }

    /** Faults for the storage routes, which another package serves: call before mounting them. */
    public void mountStorageFaults(Router router, String... paths) {
        for (String path : paths) {
            router.route(path).handler(ctx -> {
                if (!applyHeaderFaults(ctx.request())) {
                    return;
                }
                faultResponder.apply(ctx, faults.decide(FaultRoute.STORAGE), faults.retryAfterSeconds(), ctx::next);
            });
        }
    }

    private void proxy(RoutingContext ctx) {
        String targetUrl = ctx.request().getHeader("x-fal-target-url");
        if (targetUrl == null || targetUrl.isBlank()) {
            FalJson.send(ctx.response(), 400, null, FalJson.detail("Missing the x-fal-target-url header"));
            return;
        }
        CallTarget target = CallTarget.ofProxied(targetUrl);
        if (target != null) {
            handle(ctx, target);
            return;
        }
        java.net.URI uri;
        try {
            uri = java.net.URI.create(targetUrl.trim());
        } catch (IllegalArgumentException e) {
            FalJson.send(ctx.response(), 400, null, FalJson.detail("x-fal-target-url is not a valid URL"));
            return;
        }
        String host = uri.getHost() == null ? "" : uri.getHost();
        if (host.endsWith(".fal.ai") || host.equals("fal.ai") || host.endsWith(".fal.run")) {
            // rest.fal.ai storage calls and the like: served by the mock's own routes under the same path.
            String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            ctx.reroute(ctx.request().method(), pathAndQuery);
            return;
        }
        FalJson.send(
                ctx.response(),
                412,
                null,
                FalJson.detail("x-fal-target-url must point at a fal host (*.fal.ai or *.fal.run)"));
    }

    private void handle(RoutingContext ctx, CallTarget target) {
        HttpServerRequest request = ctx.request();
        FalCall call = parse(target);
        ctx.put(FalCall.CONTEXT_KEY, call);
        ctx.put(CallTarget.CONTEXT_KEY, target);
        if (call.kind() == FalCall.Kind.NOT_FOUND) {
            FalJson.send(
                    ctx.response(),
                    404,
                    null,
                    FalJson.object().put("error", "Error").put("message", call.notFound()));
            return;
        }
        counters.call(call.kind().name());
        HttpMethod expected =
                switch (call.kind()) {
                    case SUBMIT, SYNC -> HttpMethod.POST;
                    case CANCEL -> HttpMethod.PUT;
                    default -> HttpMethod.GET;
                };
        if (!request.method().equals(expected)) {
            ctx.response().putHeader("Allow", expected.name());
            FalJson.send(ctx.response(), 405, null, FalJson.detail("Method Not Allowed: use " + expected.name()));
            return;
        }
        if (call.kind() == FalCall.Kind.SUBMIT || call.kind() == FalCall.Kind.SYNC) {
            counters.attempt(call.endpoint().id());
            // Read the body first: a slow fault or auth must not leave the body unread on a live connection.
            readBody(ctx, body -> {
                ctx.put(FalCall.BODY_KEY, body);
                faultsThenAuth(ctx, call, target, body);
            });
        } else {
            faultsThenAuth(ctx, call, target, null);
        }
    }

    private FalCall parse(CallTarget target) {
        String key = (target.sync() ? "S" : "Q") + target.path();
        FalCall call = parsed.get(key);
        if (call == null) {
            call = FalCall.parse(target.path(), target.sync(), catalog);
            if (parsed.size() >= MAX_PARSED) {
                parsed.clear();
            }
            parsed.put(key, call);
        }
        return call;
    }

    private void faultsThenAuth(RoutingContext ctx, FalCall call, CallTarget target, Buffer body) {
        if (!applyHeaderFaults(ctx.request())) {
            return;
        }
        FaultAction fault = faults.decide(routeOf(call.kind()));
        faultResponder.apply(ctx, fault, faults.retryAfterSeconds(), () -> authorised(ctx, call, target, body));
    }

    /** Adds the faults named by {@link #FAULT_HEADER}; false (and a 400 sent) when the header cannot be parsed. */
    private boolean applyHeaderFaults(HttpServerRequest request) {
        String spec = request.getHeader(FAULT_HEADER);
        if (spec == null || spec.isBlank()) {
            return true;
        }
        try {
            faults.add(FaultPlan.parse(spec));
            return true;
        } catch (IllegalArgumentException e) {
            FalJson.send(request.response(), 400, null, FalJson.detail(FAULT_HEADER + ": " + e.getMessage()));
            return false;
        }
    }

    private void authorised(RoutingContext ctx, FalCall call, CallTarget target, Buffer body) {
        Optional<String> refusal = auth.refusal(ctx.request());
        if (refusal.isPresent()) {
            FalJson.send(ctx.response(), 401, null, FalJson.detail(refusal.get()));
            return;
        }
        switch (call.kind()) {
            case SUBMIT, SYNC -> handlers.submit(ctx, call, target, body);
            case STATUS -> handlers.status(ctx, call, target);
            case STREAM -> handlers.stream(ctx, call, target);
            case RESULT -> handlers.result(ctx, call);
            case CANCEL -> handlers.cancel(ctx, call);
            default -> throw new IllegalStateException("unexpected call " + call.kind());
        }
    }

    private void readBody(RoutingContext ctx, java.util.function.Consumer<Buffer> then) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader("Content-Length");
        if (length != null && length.matches("\\d+") && Long.parseLong(length) > maxBodyBytes) {
            FalJson.send(
                    ctx.response(),
                    413,
                    null,
                    FalJson.detail("Request body too large: at most " + maxBodyBytes + " bytes"));
            return;
        }
        if (ctx.body() != null && ctx.body().buffer() != null) {
            then.accept(ctx.body().buffer());
            return;
        }
        request.body().onComplete(ar -> {
            if (ar.failed()) {
                FalJson.send(ctx.response(), 400, null, FalJson.detail("Could not read the request body"));
            } else if (ar.result().length() > maxBodyBytes) {
                FalJson.send(
                        ctx.response(),
                        413,
                        null,
                        FalJson.detail("Request body too large: at most " + maxBodyBytes + " bytes"));
            } else {
                then.accept(ar.result());
            }
        });
    }

    private static FaultRoute routeOf(FalCall.Kind kind) {
        return switch (kind) {
            case SUBMIT -> FaultRoute.SUBMIT;
            case SYNC -> FaultRoute.SYNC;
            case STATUS -> FaultRoute.STATUS;
            case STREAM -> FaultRoute.STREAM;
            case RESULT -> FaultRoute.RESULT;
            case CANCEL -> FaultRoute.CANCEL;
            default -> throw new IllegalStateException("no fault route for " + kind);
        };
    }
}
