package dev.klingmcp.mock.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on stderr (slf4j-simple's default), written when the answer is done:
 * {@code GET /fal-ai/kling-video/requests/…/status?logs=1 -> 202 (0.4 ms)}. Headers are never logged: they carry the
 * caller's key.
 */
public final class AccessLog {

    private static final Logger LOG = LoggerFactory.getLogger("mock-fal.access");

    private AccessLog() {}

    public static void mount(Router router) {
        router.route().order(-1_000).handler(AccessLog::handle);
    }

    private static void handle(RoutingContext ctx) {
        long started = System.nanoTime();
        String method = ctx.request().method().name();
        String uri = ctx.request().uri();
        ctx.addEndHandler(ar -> {
            double ms = (System.nanoTime() - started) / 1_000_000.0;
            int status = ctx.response().getStatusCode();
            LOG.info(
                    "{} {} -> {}{} ({} ms)",
                    method,
                    uri,
                    status,
                    ar.succeeded() ? "" : " (connection closed)",
                    String.format(java.util.Locale.ROOT, "%.1f", ms));
        });
        ctx.next();
    }
}
