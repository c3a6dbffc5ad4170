package dev.klingmcp.mock.media;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;

/**
 * Answers GET/HEAD for a file on disk the way a CDN does: exact {@code Content-Length}, {@code Accept-Ranges: bytes},
 * single-range 206 answers and 416 for impossible ranges. The bytes are streamed with {@code sendFile}, never loaded into
 * memory, so a 1 GiB upload costs no heap. Shared by the video CDN and the storage file route.
 */
public final class FileResponder {

    private FileResponder() {}

    /** Sends {@code file} with {@code contentType}; ends the exchange with 404 if the file vanished meanwhile. */
    public static void send(RoutingContext ctx, Path file, String contentType) {
        String filename = file.toString();
        ctx.vertx().fileSystem().props(filename).onComplete(props -> {
            if (props.failed() || !props.result().isRegularFile()) {
                ctx.response()
                        .setStatusCode(404)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end("{\"detail\":\"File not found\"}");
                return;
            }
            long size = props.result().size();
            HttpServerResponse response = ctx.response()
                    .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
                    .putHeader(HttpHeaders.CONTENT_TYPE, contentType);
            ByteRange range = ByteRange.resolve(ctx.request().getHeader("Range"), size);
            switch (range.kind()) {
                case UNSATISFIABLE -> response.setStatusCode(416)
                        .putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end("{\"detail\":\"Range '" + jsonSafe(ctx.request().getHeader("Range"))
                                + "' cannot be satisfied; the file has " + size + " bytes (use bytes=first-last)\"}");
                case PARTIAL -> stream(
                        ctx,
                        response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE, range.contentRange(size)),
                        filename,
                        range.start(),
                        range.length());
                case WHOLE -> stream(ctx, response.setStatusCode(200), filename, 0, size);
            }
        });
    }

    private static void stream(
            RoutingContext ctx, HttpServerResponse response, String filename, long offset, long length) {
        response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
        if (ctx.request().method().equals(HttpMethod.HEAD)) {
            response.end();
        } else if (length == 0) {
            response.end(); // sendFile rejects empty files on some platforms; an empty body is the right answer anyway
        } else {
            response.sendFile(filename, offset, length);
        }
    }

    private static String jsonSafe(String text) {
        return text == null ? "" : text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
