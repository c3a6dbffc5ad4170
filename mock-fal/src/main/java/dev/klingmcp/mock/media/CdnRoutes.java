package dev.klingmcp.mock.media;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Mounts the public video CDN: {@code GET|HEAD /cdn/videos/{seconds}s-{ratio}/output.mp4}, the URLs that
 * {@link VideoLibrary} puts into model outputs. No auth, like fal's media CDN.
 */
public final class CdnRoutes {

    private CdnRoutes() {}

    /** One-line wiring: {@code CdnRoutes.mount(router, library)}. */
    public static void mount(Router router, VideoLibrary library) {
        String path = VideoLibrary.PATH_PREFIX + ":key/:fileName";
        router.route(HttpMethod.GET, path).handler(ctx -> serve(ctx, library));
        router.route(HttpMethod.HEAD, path).handler(ctx -> serve(ctx, library));
    }

    private static void serve(RoutingContext ctx, VideoLibrary library) {
        String key = ctx.pathParam("key");
        if (!VideoLibrary.FILE_NAME.equals(ctx.pathParam("fileName"))) {
            notFound(ctx);
            return;
        }
        library.cachedClip(key)
                .ifPresentOrElse(file -> FileResponder.send(ctx, file, VideoLibrary.CONTENT_TYPE), () -> notFound(ctx));
    }

    private static void notFound(RoutingContext ctx) {
        ctx.response()
                .setStatusCode(404)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end("{\"detail\":\"No such video; video URLs come from completed requests\"}");
    }
}
