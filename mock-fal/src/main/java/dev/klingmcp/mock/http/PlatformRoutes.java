package dev.klingmcp.mock.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.queue.JobSnapshot;
import dev.klingmcp.mock.queue.QueueEngine;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * fal's Platform API request history ({@code GET /v1/models/requests/by-endpoint}, openapi/specs/fal-platform.json):
 * what a client uses to find a request whose submit answer it lost. Served from the queue's own jobs, newest first,
 * with simulated timestamps. A request is listed once it has started: the documented item requires
 * {@code started_at}, and whether fal lists queued requests is not documented.
 */
public final class PlatformRoutes {

    public static final String BY_ENDPOINT = "/v1/models/requests/by-endpoint";

    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 100;

    private PlatformRoutes() {}

    public static void mount(Router router, QueueEngine engine, Function<RoutingContext, Optional<String>> refusal) {
        router.get(BY_ENDPOINT).handler(ctx -> {
            Optional<String> refused = refusal.apply(ctx);
            if (refused.isPresent()) {
                FalJson.send(ctx.response(), 401, null, FalJson.object().put("detail", refused.get()));
                return;
            }
            try {
                FalJson.send(ctx.response(), 200, null, page(ctx, engine.jobs()));
            } catch (IllegalArgumentException e) {
                FalJson.send(ctx.response(), 400, null, FalJson.object().put("detail", e.getMessage()));
            }
        });
    }

    private static ObjectNode page(RoutingContext ctx, List<JobSnapshot> jobs) {
        String endpoint = ctx.request().getParam("endpoint_id");
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("endpoint_id is required");
        }
        List<String> endpoints = List.of(endpoint.split(","));
        String requestId = ctx.request().getParam("request_id");
        long start = instant(ctx, "start", Long.MIN_VALUE);
        long end = instant(ctx, "end", Long.MAX_VALUE);
        boolean payloads = "payloads".equals(ctx.request().getParam("expand"));
        int limit = whole(ctx.request().getParam("limit"), DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT);
        }
        int offset = whole(ctx.request().getParam("cursor"), 0);
        List<JobSnapshot> listed = jobs.stream()
                .filter(j -> endpoints.contains(j.endpointId()))
                .filter(j -> j.startedAtMillis() != null)
                .filter(j -> requestId == null || requestId.equals(j.requestId()))
                .filter(j -> j.submittedAtMillis() >= start && j.submittedAtMillis() < end)
                .sorted(Comparator.comparingLong(JobSnapshot::submittedAtMillis).reversed())
                .toList();
        ObjectNode out = FalJson.object();
        ArrayNode items = out.putArray("items");
        int to = Math.min(listed.size(), offset + limit);
        for (JobSnapshot j : listed.subList(Math.min(offset, listed.size()), to)) {
            ObjectNode item = items.addObject()
                    .put("request_id", j.requestId())
                    .put("endpoint_id", j.endpointId())
                    .put("sent_at", iso(j.submittedAtMillis()))
                    .put("started_at", iso(j.startedAtMillis()));
            if (j.completedAtMillis() == null) {
                item.putNull("ended_at").putNull("status_code").putNull("duration");
            } else {
                item.put("ended_at", iso(j.completedAtMillis()));
                item.put("status_code", j.failure() == null ? 200 : j.failure().httpStatus());
                item.put("duration", (j.completedAtMillis() - j.startedAtMillis()) / 1000.0);
            }
            if (payloads) {
                item.set("json_input", j.input() == null ? null : j.input().deepCopy());
                item.putNull("json_output");
            }
        }
        boolean more = to < listed.size();
        if (more) {
            out.put("next_cursor", Integer.toString(to));
        } else {
            out.putNull("next_cursor");
        }
        out.put("has_more", more);
        return out;
    }

    /**
     * A bound as epoch millis; absent = open. fal's defaults (start 24 h ago, end now) are not applied: the mock's
     * simulated clock may run far ahead of the client's wall clock, and a client should pass both bounds anyway.
     */
    private static long instant(RoutingContext ctx, String name, long open) {
        String text = ctx.request().getParam(name);
        if (text == null || text.isBlank()) {
            return open;
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " is not an ISO-8601 instant: " + text);
        }
    }

    private static int whole(String text, int fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number: " + text);
        }
    }

    private static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
