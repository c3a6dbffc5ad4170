package dev.klingmcp.mock.http;

import dev.klingmcp.mock.queue.ModelCatalog;
import dev.klingmcp.mock.queue.ModelEndpoint;
import java.util.Arrays;
import java.util.List;

/**
 * A fal queue URL path, understood: which call it is and what it names. Accepts both prefixes fal's clients use for
 * request URLs ({@code owner/app/requests/…} and the full {@code owner/app/sub/path/requests/…} of the per-endpoint
 * OpenAPI documents), trailing slashes, and the {@code /response} alias of the result URL.
 *
 * @param kind       which call
 * @param endpoint   the model (for SUBMIT/SYNC: the target; for request calls: set only when the prefix was a full
 *                   endpoint id, so the job must belong to exactly that endpoint)
 * @param appId      {@code owner/app} of the prefix
 * @param requestId  the request id of STATUS/STREAM/RESULT/CANCEL
 * @param notFound   for NOT_FOUND: the gateway's message, e.g. {@code Path /quality not found}
 */
public record FalCall(Kind kind, ModelEndpoint endpoint, String appId, String requestId, String notFound) {

    /** Where the routes leave the understood call for the request report ({@code RoutingContext.get}). */
    public static final String CONTEXT_KEY = "mock-fal.call";

    /** Where the routes leave a submit's body for the request report. */
    public static final String BODY_KEY = "mock-fal.body";

    /** The calls of the queue API. */
    public enum Kind {
        SUBMIT,
        SYNC,
        STATUS,
        STREAM,
        RESULT,
        CANCEL,
        NOT_FOUND
    }

    /**
     * Reads which model and queue operation a request path names.
     *
     * @param path URL path as received (leading slash, percent-decoded by Vert.x)
     * @param sync true when the caller addressed fal.run (run and wait) instead of queue.fal.run
     */
    public static FalCall parse(String path, boolean sync, ModelCatalog catalog) {
        List<String> segments =
                Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        int requestsAt = segments.indexOf("requests");
        if (requestsAt >= 2) {
            String prefix = String.join("/", segments.subList(0, requestsAt));
            List<String> rest = segments.subList(requestsAt + 1, segments.size());
            return requestCall(prefix, rest, catalog, path);
        }
        String endpointId = String.join("/", segments);
        return catalog.byId(endpointId)
                .map(e -> new FalCall(sync ? Kind.SYNC : Kind.SUBMIT, e, e.appId(), null, null))
                .orElseGet(() -> notFound(segments, catalog, path));
    }

    private static FalCall requestCall(String prefix, List<String> rest, ModelCatalog catalog, String path) {
        ModelEndpoint endpoint = catalog.byId(prefix).orElse(null);
        String appId = endpoint != null ? endpoint.appId() : prefix;
        if (endpoint == null && !catalog.hasApp(prefix)) {
            return notFound(Arrays.stream(prefix.split("/")).toList(), catalog, path);
        }
        Kind kind = rest.isEmpty()
                ? null
                : switch (String.join("/", rest.subList(1, rest.size()))) {
                    case "", "response" -> Kind.RESULT;
                    case "status" -> Kind.STATUS;
                    case "status/stream" -> Kind.STREAM;
                    case "cancel" -> Kind.CANCEL;
                    default -> null;
                };
        if (kind == null) {
            return new FalCall(Kind.NOT_FOUND, null, appId, null, "Path " + path + " not found");
        }
        return new FalCall(kind, endpoint, appId, rest.get(0), null);
    }

    private static FalCall notFound(List<String> segments, ModelCatalog catalog, String path) {
        if (segments.size() >= 2) {
            String appId = segments.get(0) + "/" + segments.get(1);
            if (catalog.hasApp(appId)) {
                // What fal's gateway says when the app exists but the sub-path does not (fal-js issue #214).
                String sub = String.join("/", segments.subList(2, segments.size()));
                return new FalCall(Kind.NOT_FOUND, null, appId, null, "Path /" + sub + " not found");
            }
        }
        return new FalCall(Kind.NOT_FOUND, null, null, null, "Path " + path + " not found");
    }
}
