package dev.klingmcp.mock.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.mock.media.FileResponder;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP face of {@link StorageService}, matching what @fal-ai/client 1.10.1 sends:
 * <ul>
 *   <li>{@code POST /storage/upload/initiate[-multipart]?storage_type=…} (authenticated on fal: the caller wires auth)
 *       → {@code {upload_url, file_url}}</li>
 *   <li>{@code PUT /cdn/upload/{id}?signature=…} raw bytes → 200</li>
 *   <li>{@code PUT /cdn/multipart/{id}/{partNumber}?signature=…} → {@code {"partNumber": n, "etag": "…"}}</li>
 *   <li>{@code POST /cdn/multipart/{id}/complete?signature=…} {@code {"parts": [...]}} → 200 {@code {file_url, file_size}}</li>
 *   <li>{@code GET|HEAD /cdn/files/{id}/{file_name}} → the bytes, declared Content-Type, Range support</li>
 *   <li>fal_client (Python): {@code POST /storage/auth/token} → {@code {token, token_type, base_url, expires_at}}, then
 *       {@code POST {base_url}/files/upload} (= {@code /cdn/files/upload}) with {@code Authorization: Bearer …},
 *       {@code Content-Type}, {@code X-Fal-File-Name} → {@code {"access_url": …}}</li>
 * </ul>
 * Upload bodies are streamed, so mount these routes BEFORE any router-wide {@code BodyHandler} (or scope that handler to
 * other paths); if one does run first the upload still works, only buffered in memory.
 */
public final class StorageRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(StorageRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SMALL_JSON_LIMIT = 1 << 20;

    private StorageRoutes() {}

    /** Wiring without auth on the {@code /storage/...} calls (fal's public mode). */
    public static void mount(Router router, StorageService storage) {
        mount(router, storage, request -> Optional.empty());
    }

    /**
     * One-line wiring: {@code StorageRoutes.mount(router, storage, auth::refusal)}. {@code authRefusal} guards the
     * calls fal authenticates with {@code Authorization: Key …} ({@code /storage/upload/initiate[-multipart]},
     * {@code /storage/auth/token}): empty lets the call through, otherwise it is the 401 detail. The {@code /cdn/...}
     * routes are never key-checked: presigned URLs carry their own signature and the token upload its bearer token.
     */
    public static void mount(
            Router router, StorageService storage, Function<HttpServerRequest, Optional<String>> authRefusal) {
        // Pause upload bodies before any other (possibly asynchronous, e.g. fault-injecting) handler can let chunks
        // flow
        // unheard. If something answers without reading the body, resume it so the rest is discarded: a paused body
        // plus an early answer would otherwise stall the client, which is still sending.
        router.route()
                .pathRegex("^(" + StorageService.UPLOAD_PREFIX + "|" + StorageService.MULTIPART_PREFIX + "|"
                        + StorageService.TOKEN_UPLOAD_PATH + "$).*")
                .order(-10_000)
                .handler(ctx -> {
                    ctx.request().pause();
                    ctx.addHeadersEndHandler(ignored -> ctx.request().resume());
                    ctx.next();
                });

        BodyHandler smallJson =
                BodyHandler.create().setBodyLimit(SMALL_JSON_LIMIT).setHandleFileUploads(false);
        // Vert.x 5 wants a route's BodyHandler before its user handlers, so the (1 MiB-capped) JSON is read first.
        Handler<RoutingContext> keyCheck = ctx -> authRefusal
                .apply(ctx.request())
                .ifPresentOrElse(detail -> fail(ctx, new StorageException(401, detail)), ctx::next);
        router.post("/storage/upload/initiate")
                .handler(smallJson)
                .handler(keyCheck)
                .handler(ctx -> initiate(ctx, storage, false));
        router.post("/storage/upload/initiate-multipart")
                .handler(smallJson)
                .handler(keyCheck)
                .handler(ctx -> initiate(ctx, storage, true));
        router.post("/storage/auth/token").handler(smallJson).handler(keyCheck).handler(ctx -> token(ctx, storage));
        router.post(StorageService.TOKEN_UPLOAD_PATH)
                .handler(ctx ->
                        answer(ctx, direct(ctx, storage), file -> json(ctx, 200, Map.of("access_url", file.url()))));

        router.put(StorageService.UPLOAD_PREFIX + ":id")
                .handler(ctx -> answer(ctx, upload(ctx, storage), file -> ctx.response()
                        .setStatusCode(200)
                        .end()));
        router.put(StorageService.MULTIPART_PREFIX + ":id/:part")
                .handler(ctx -> answer(ctx, part(ctx, storage), receipt -> json(ctx, 200, receipt.toFalJson())));
        router.post(StorageService.MULTIPART_PREFIX + ":id/complete")
                .handler(smallJson)
                .handler(ctx -> answer(
                        ctx,
                        complete(ctx, storage),
                        file -> json(ctx, 200, Map.of("file_url", file.url(), "file_size", file.size()))));

        router.route(HttpMethod.GET, StorageService.FILES_PREFIX + ":id/:name").handler(ctx -> serve(ctx, storage));
        router.route(HttpMethod.HEAD, StorageService.FILES_PREFIX + ":id/:name").handler(ctx -> serve(ctx, storage));
    }

    private static void initiate(RoutingContext ctx, StorageService storage, boolean multipart) {
        try {
            InitiateRequest request = InitiateRequest.parse(
                    ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes(),
                    ctx.request().getParam("storage_type"),
                    lifecycleHeader(ctx.request()));
            UploadTicket ticket =
                    storage.initiate(request.contentType(), request.fileName(), multipart, request.expiresAfter());
            json(ctx, 200, ticket.toFalJson());
        } catch (StorageException e) {
            fail(ctx, e);
        }
    }

    private static void token(RoutingContext ctx, StorageService storage) {
        try {
            InitiateRequest.checkStorageType(ctx.request().getParam("storage_type"));
            json(ctx, 200, storage.issueToken().toFalJson());
        } catch (StorageException e) {
            fail(ctx, e);
        }
    }

    private static Future<StoredFile> direct(RoutingContext ctx, StorageService storage) {
        HttpServerRequest request = ctx.request();
        InitiateRequest facts;
        try {
            facts = InitiateRequest.fromHeaders(
                    request.getHeader(HttpHeaders.CONTENT_TYPE),
                    request.getHeader("X-Fal-File-Name"),
                    lifecycleHeader(request));
        } catch (StorageException e) {
            return Future.failedFuture(e);
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (ctx.body().available()) {
            warnBuffered(ctx);
            return storage.receiveDirect(
                    authorization,
                    facts.contentType(),
                    facts.fileName(),
                    facts.expiresAfter(),
                    ctx.body().buffer());
        }
        continueIfExpected(request);
        return storage.receiveDirect(
                authorization, facts.contentType(), facts.fileName(), facts.expiresAfter(), request);
    }

    /** fal's clients send the lifecycle under either name. */
    private static String lifecycleHeader(HttpServerRequest request) {
        String header = request.getHeader("X-Fal-Object-Lifecycle");
        return header != null ? header : request.getHeader("X-Fal-Object-Lifecycle-Preference");
    }

    private static Future<StoredFile> upload(RoutingContext ctx, StorageService storage) {
        String id = ctx.pathParam("id");
        String signature = ctx.request().getParam("signature");
        if (ctx.body().available()) {
            warnBuffered(ctx);
            return storage.receiveWhole(id, signature, ctx.body().buffer());
        }
        continueIfExpected(ctx.request());
        return storage.receiveWhole(id, signature, ctx.request());
    }

    private static Future<PartReceipt> part(RoutingContext ctx, StorageService storage) {
        String id = ctx.pathParam("id");
        String signature = ctx.request().getParam("signature");
        int partNumber;
        try {
            partNumber = Integer.parseInt(ctx.pathParam("part"));
        } catch (NumberFormatException e) {
            return Future.failedFuture(StorageException.badRequest("part number '" + ctx.pathParam("part")
                    + "' is not an integer; allowed: 1.." + storage.options().maxParts()));
        }
        if (ctx.body().available()) {
            warnBuffered(ctx);
            return storage.receivePart(id, signature, partNumber, ctx.body().buffer());
        }
        continueIfExpected(ctx.request());
        return storage.receivePart(id, signature, partNumber, ctx.request());
    }

    private static Future<StoredFile> complete(RoutingContext ctx, StorageService storage) {
        List<PartReceipt> parts;
        try {
            parts = parseParts(
                    ctx.body().buffer() == null
                            ? new byte[0]
                            : ctx.body().buffer().getBytes());
        } catch (StorageException e) {
            return Future.failedFuture(e);
        }
        return storage.complete(ctx.pathParam("id"), ctx.request().getParam("signature"), parts);
    }

    static List<PartReceipt> parseParts(byte[] body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw StorageException.invalid(
                    List.of("body"),
                    "JSON decode error: expected {\"parts\": [{\"partNumber\": 1," + " \"etag\": \"…\"}, …]}",
                    "json_invalid");
        }
        JsonNode parts = json == null ? null : json.get("parts");
        if (parts == null || !parts.isArray()) {
            throw StorageException.invalid(
                    List.of("body", "parts"),
                    "Field required: a list of {partNumber, etag} as returned by the part uploads",
                    "missing");
        }
        List<PartReceipt> receipts = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            JsonNode part = parts.get(i);
            JsonNode number = part.get("partNumber");
            JsonNode etag = part.get("etag");
            if (number == null || !number.isInt()) {
                throw StorageException.invalid(
                        List.of("body", "parts", i, "partNumber"),
                        "Input should be a valid integer",
                        number == null ? "missing" : "int_type");
            }
            if (etag == null || !etag.isTextual()) {
                throw StorageException.invalid(
                        List.of("body", "parts", i, "etag"),
                        "Input should be a valid string",
                        etag == null ? "missing" : "string_type");
            }
            receipts.add(new PartReceipt(number.asInt(), etag.asText(), -1));
        }
        return receipts;
    }

    private static void serve(RoutingContext ctx, StorageService storage) {
        storage.find(ctx.pathParam("id"))
                .filter(file -> file.fileName().equals(ctx.pathParam("name")))
                .ifPresentOrElse(
                        file -> FileResponder.send(ctx, file.path(), file.contentType()),
                        () -> fail(ctx, StorageException.notFound("File not found")));
    }

    private static <T> void answer(RoutingContext ctx, Future<T> result, java.util.function.Consumer<T> onSuccess) {
        result.onComplete(done -> {
            if (ctx.response().ended() || ctx.response().closed()) {
                return;
            }
            if (done.succeeded()) {
                onSuccess.accept(done.result());
            } else if (done.cause() instanceof StorageException storageError) {
                fail(ctx, storageError);
            } else {
                LOG.warn(
                        "storage request {} {} failed",
                        ctx.request().method(),
                        ctx.request().path(),
                        done.cause());
                fail(
                        ctx,
                        new StorageException(
                                500,
                                "The mock could not store the upload: "
                                        + done.cause().getClass().getSimpleName()));
            }
        });
    }

    private static void fail(RoutingContext ctx, StorageException error) {
        // Don't read the rest of a rejected upload. On HTTP/1.x that means closing the connection after the answer;
        // an HTTP/2 stream simply ends, and closing would kill the client's other streams.
        boolean dropConnection = hasUnreadBody(ctx.request()) && ctx.request().version() != HttpVersion.HTTP_2;
        if (dropConnection) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        json(ctx, error.status(), error.toFalJson());
        if (dropConnection) {
            ctx.request().connection().close();
        }
    }

    private static boolean hasUnreadBody(HttpServerRequest request) {
        if (request.isEnded()) {
            return false;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return length != null ? !length.trim().equals("0") : request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(Json.encode(body));
    }

    /** curl and some SDKs send {@code Expect: 100-continue} for big bodies and wait for this before sending. */
    private static void continueIfExpected(HttpServerRequest request) {
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            request.response().writeContinue();
        }
    }

    private static void warnBuffered(RoutingContext ctx) {
        LOG.warn(
                "{} was buffered in memory by an earlier BodyHandler; mount StorageRoutes before it",
                ctx.request().path());
    }
}
