package dev.klingmcp.mock.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * Makes sure every answer carries {@code x-fal-request-id}, whichever package wrote it: fal's JS client copies it into
 * errors and results, and an answer without it is how fal's Python client recognises an ingress failure. So the only
 * answers left without one are the injected ingress errors, which call {@link #omit}.
 */
public final class RequestIdHeader {

    private static final String OMIT = "mock-fal.omit-request-id";

    private RequestIdHeader() {}

    public static void mount(Router router) {
        router.route().order(-999).handler(ctx -> {
            ctx.addHeadersEndHandler(v -> {
                if (!Boolean.TRUE.equals(ctx.get(OMIT))
                        && !ctx.response().headers().contains(FalJson.REQUEST_ID)) {
                    ctx.response()
                            .putHeader(FalJson.REQUEST_ID, UUID.randomUUID().toString());
                }
            });
            ctx.next();
        });
    }

    /** This answer imitates fal's ingress (nginx), which never sets the header. */
    public static void omit(RoutingContext ctx) {
        ctx.put(OMIT, true);
    }
}
