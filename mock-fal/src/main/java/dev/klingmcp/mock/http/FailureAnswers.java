package dev.klingmcp.mock.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever escapes a handler (a malformed percent escape in a path, a bug) into a fal-style JSON answer instead of
 * Vert.x's bare text: 400 for input the router could not read, 500 {@code internal_error} otherwise. Bad input must
 * never look like a crash.
 */
public final class FailureAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(FailureAnswers.class);

    private FailureAnswers() {}

    public static void mount(Router router) {
        router.route()
                .failureHandler(ctx -> answer(
                        ctx,
                        ctx.statusCode() > 0
                                ? ctx.statusCode()
                                : ctx.failure() instanceof IllegalArgumentException ? 400 : 500));
        // Failures before any route matched (e.g. a path the router cannot decode) only reach the error handlers,
        // which learn the status from their registration, not from the context.
        for (int status : new int[] {400, 404, 405, 413, 500}) {
            router.errorHandler(status, ctx -> answer(ctx, status));
        }
    }

    private static void answer(RoutingContext ctx, int status) {
        Throwable failure = ctx.failure();
        if (status >= 500) {
            LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.request().path(), String.valueOf(failure));
            ctx.response().putHeader("X-Fal-Error-Type", "internal_error");
            FalJson.send(
                    ctx.response(),
                    status,
                    null,
                    FalJson.detail("Internal error in mock-fal").put("error_type", "internal_error"));
        } else {
            String why = failure != null && failure.getMessage() != null ? ": " + failure.getMessage() : "";
            FalJson.send(ctx.response(), status, null, FalJson.detail("Bad request" + why));
        }
    }
}
