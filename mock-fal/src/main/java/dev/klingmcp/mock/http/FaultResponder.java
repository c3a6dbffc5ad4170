package dev.klingmcp.mock.http;

import dev.klingmcp.mock.fault.FaultAction;
import dev.klingmcp.mock.fault.FaultKind;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Plays an injected fault on the wire. Ingress errors (502/503/504) imitate nginx in front of fal: an HTML body and no
 * {@code x-fal-request-id}, which is how fal's Python client tells them apart from app errors and decides to retry.
 */
public final class FaultResponder {

    private final Vertx vertx;

    public FaultResponder(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Applies {@code action}; {@code proceed} runs when the call should still be answered normally (no fault, or after a
     * {@link FaultKind#SLOW} delay).
     */
    /** Context key: how long a handler holds its answer back ({@link FaultKind#HOLD}). */
    public static final String HOLD_MILLIS = "mock.hold-millis";

    public void apply(RoutingContext ctx, FaultAction action, int retryAfterSeconds, Runnable proceed) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = request.response();
        switch (action.kind()) {
            case NONE -> proceed.run();
            case SLOW -> vertx.setTimer(Math.max(1, action.millis()), id -> {
                if (!response.closed()) {
                    proceed.run();
                }
            });
            case RATE_LIMITED -> {
                response.putHeader("Retry-After", Integer.toString(retryAfterSeconds));
                FalJson.send(
                        response,
                        429,
                        null,
                        FalJson.detail("Rate limit exceeded, retry after " + retryAfterSeconds + " s")
                                .put("error_type", "rate_limited"));
            }
            case SERVER_ERROR -> {
                response.putHeader("X-Fal-Error-Type", "internal_error");
                FalJson.send(
                        response,
                        500,
                        null,
                        FalJson.detail("Internal Server Error").put("error_type", "internal_error"));
            }
            case BAD_GATEWAY, SERVICE_UNAVAILABLE, GATEWAY_TIMEOUT -> {
                RequestIdHeader.omit(ctx);
                ingress(response, action.kind().httpStatus());
            }
            case FORBIDDEN, NOT_FOUND, GONE -> FalJson.send(
                    response,
                    action.kind().httpStatus(),
                    null,
                    FalJson.detail("This URL has expired or the file was removed")
                            .put("error_type", "expired"));
            case CONNECTION_RESET -> request.connection().close();
            case LOST -> {
                // Closed on the event loop just before the headers go out: the work is done, the answer never sent.
                ctx.addHeadersEndHandler(v -> request.connection().close());
                proceed.run();
            }
            case HOLD -> {
                ctx.put(HOLD_MILLIS, Math.max(1, action.millis()));
                proceed.run();
            }
            case TRUNCATED_BODY -> {
                String partial = "{\"status\":\"IN_PROGRESS\",\"request_id\":\"";
                response.setStatusCode(200)
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Content-Length", Integer.toString(partial.length() * 4));
                response.write(partial).onComplete(ar -> request.connection().close());
            }
            case NON_JSON_BODY -> response.setStatusCode(200)
                    .putHeader("Content-Type", "application/json")
                    .end("<html><body>upstream sent something that is not JSON</body></html>");
            default -> throw new IllegalStateException("unhandled fault " + action);
        }
    }

    private static void ingress(HttpServerResponse response, int status) {
        String reason =
                switch (status) {
                    case 502 -> "502 Bad Gateway";
                    case 503 -> "503 Service Temporarily Unavailable";
                    default -> "504 Gateway Time-out";
                };
        response.setStatusCode(status)
                .putHeader("Content-Type", "text/html")
                .end("<html>\r\n<head><title>" + reason + "</title></head>\r\n<body>\r\n<center><h1>" + reason
                        + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
    }
}
