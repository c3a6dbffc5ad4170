package dev.klingmcp.mock.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.fault.FaultInjector;
import dev.klingmcp.mock.queue.CancelOutcome;
import dev.klingmcp.mock.queue.InputProblem;
import dev.klingmcp.mock.queue.JobFailure;
import dev.klingmcp.mock.queue.JobListener;
import dev.klingmcp.mock.queue.JobSnapshot;
import dev.klingmcp.mock.queue.QueueEngine;
import dev.klingmcp.mock.queue.QueueFullException;
import dev.klingmcp.mock.queue.SubmitRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The five queue calls plus the sync run, once routing, faults and auth are done. */
public final class QueueHandlers {

    /**
     * How strictly submits are checked and how often streams are pinged.
     *
     * @param rejectAtSubmit strict mode: validate at submit and answer 422 at once, instead of fal's way (accept,
     *                       run, and fail at execution time)
     * @param pingInterval   SSE keep-alive period
     */
    public record Settings(boolean rejectAtSubmit, Duration pingInterval) {}

    private final Vertx vertx;
    private final QueueEngine engine;
    private final FaultInjector faults;
    private final StatusBodies bodies;
    private final ResultWriter results;
    private final Settings settings;
    private final StatusCache statusCache;

    public QueueHandlers(
            Vertx vertx,
            QueueEngine engine,
            FaultInjector faults,
            StatusBodies bodies,
            ResultWriter results,
            Settings settings) {
        this.vertx = vertx;
        this.engine = engine;
        this.faults = faults;
        this.bodies = bodies;
        this.results = results;
        this.settings = settings;
        this.statusCache = new StatusCache(bodies);
    }

    void submit(RoutingContext ctx, FalCall call, CallTarget target, Buffer body) {
        HttpServerResponse response = ctx.response();
        JsonNode input;
        try {
            input = body == null || body.length() == 0 ? FalJson.object() : FalJson.MAPPER.readTree(body.getBytes());
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? j.getOriginalMessage()
                    : e.getMessage();
            FalJson.send(response, 422, null, invalidJson(why));
            return;
        }
        String webhook = target.query().get("fal_webhook");
        if (webhook != null && !isHttpUrl(webhook)) {
            FalJson.send(response, 400, null, badRequest("fal_webhook must be an absolute http(s) URL"));
            return;
        }
        Integer maxQueue = null;
        String maxQueueParam = target.query().get("fal_max_queue_length");
        if (maxQueueParam != null) {
            if (!maxQueueParam.trim().matches("\\d{1,9}")) {
                FalJson.send(
                        response,
                        400,
                        null,
                        badRequest("fal_max_queue_length must be a non-negative whole number, got '" + maxQueueParam
                                + "'"));
                return;
            }
            maxQueue = Integer.parseInt(maxQueueParam.trim());
        }
        Duration startTimeout = null;
        String timeoutHeader = ctx.request().getHeader("x-fal-request-timeout");
        if (timeoutHeader != null) {
            Optional<Duration> parsed = parseTimeout(timeoutHeader);
            if (parsed.isEmpty()) {
                FalJson.send(
                        response,
                        400,
                        null,
                        badRequest("x-fal-request-timeout must be a number of seconds greater than 0.1, got '"
                                + timeoutHeader + "'"));
                return;
            }
            startTimeout = parsed.get();
        }
        if (settings.rejectAtSubmit()) {
            List<InputProblem> problems = call.endpoint().validator().apply(input);
            if (!problems.isEmpty()) {
                FalJson.send(
                        response, 422, null, JobFailure.validation(problems).body());
                return;
            }
        }
        JobSnapshot job;
        try {
            job = engine.submit(
                    new SubmitRequest(call.endpoint(), input, webhook, startTimeout, faults.decideJob()), maxQueue);
        } catch (QueueFullException e) {
            FalJson.send(
                    response,
                    429,
                    null,
                    FalJson.detail("Queue is full: " + e.waiting()
                            + " request(s) already waiting and fal_max_queue_length is " + e.limit()));
            return;
        }
        if (call.kind() == FalCall.Kind.SYNC) {
            awaitAndAnswer(ctx, job.requestId());
        } else {
            Long hold = ctx.get(FaultResponder.HOLD_MILLIS);
            if (hold == null) {
                FalJson.send(response, 200, job.requestId(), bodies.envelope(job));
            } else {
                JobSnapshot accepted = job;
                vertx.setTimer(hold, id -> {
                    if (!response.closed()) {
                        FalJson.send(response, 200, accepted.requestId(), bodies.envelope(accepted));
                    }
                });
            }
        }
    }

    void status(RoutingContext ctx, FalCall call, CallTarget target) {
        Optional<Boolean> logs = logsFlag(target);
        if (logs.isEmpty()) {
            FalJson.send(ctx.response(), 400, null, badRequest("logs must be 0, 1, true or false"));
            return;
        }
        owned(call)
                .ifPresentOrElse(
                        job -> FalJson.sendBytes(
                                ctx.response(),
                                job.completed() ? 200 : 202,
                                job.requestId(),
                                statusCache.status(job, logs.get())),
                        () -> notFound(ctx, call));
    }

    void stream(RoutingContext ctx, FalCall call, CallTarget target) {
        Optional<Boolean> logs = logsFlag(target);
        if (logs.isEmpty()) {
            FalJson.send(ctx.response(), 400, null, badRequest("logs must be 0, 1, true or false"));
            return;
        }
        if (owned(call).isEmpty()) {
            notFound(ctx, call);
            return;
        }
        SseStatusStream stream = new SseStatusStream(vertx, ctx.response(), bodies, logs.get());
        stream.open(call.requestId(), settings.pingInterval(), () -> engine.unwatch(call.requestId(), stream));
        if (!engine.watch(call.requestId(), stream)) {
            ctx.response().end();
        }
    }

    void result(RoutingContext ctx, FalCall call) {
        owned(call)
                .ifPresentOrElse(
                        job -> {
                            if (!job.completed()) {
                                // fal does not document this case; clients poll status first. 400 keeps it distinct
                                // from "gone".
                                FalJson.send(
                                        ctx.response(),
                                        400,
                                        job.requestId(),
                                        FalJson.detail("Request is still in progress"));
                            } else {
                                results.write(ctx.response(), job);
                            }
                        },
                        () -> notFound(ctx, call));
    }

    void cancel(RoutingContext ctx, FalCall call) {
        if (owned(call).isEmpty()) {
            FalJson.send(ctx.response(), 404, call.requestId(), FalJson.object().put("status", "NOT_FOUND"));
            return;
        }
        CancelOutcome outcome = engine.cancel(call.requestId());
        int code =
                switch (outcome) {
                    case CANCELLATION_REQUESTED -> 202;
                    case ALREADY_COMPLETED -> 400;
                    case NOT_FOUND -> 404;
                };
        FalJson.send(ctx.response(), code, call.requestId(), FalJson.object().put("status", outcome.name()));
    }

    /** fal.run: keep the connection until the job completes, then answer as the result GET would. */
    private void awaitAndAnswer(RoutingContext ctx, String requestId) {
        HttpServerResponse response = ctx.response();
        JobListener listener = new JobListener() {
            @Override
            public void onChange(JobSnapshot job) {
                if (job.completed()) {
                    results.write(response, job);
                }
            }
        };
        response.closeHandler(v -> {
            // The caller hung up: fal stops the work of a sync request whose client went away.
            engine.unwatch(requestId, listener);
            engine.cancel(requestId);
        });
        engine.watch(requestId, listener);
    }

    /** The job, if it exists and the URL's prefix is its app (or its exact endpoint). */
    private Optional<JobSnapshot> owned(FalCall call) {
        return engine.find(call.requestId())
                .filter(job -> job.appId().equals(call.appId()))
                .filter(job -> call.endpoint() == null
                        || job.endpointId().equals(call.endpoint().id()));
    }

    private static void notFound(RoutingContext ctx, FalCall call) {
        FalJson.send(
                ctx.response(), 404, call.requestId(), FalJson.detail("Request " + call.requestId() + " not found"));
    }

    private static Optional<Boolean> logsFlag(CallTarget target) {
        String raw = target.query().get("logs");
        if (raw == null) {
            return Optional.of(false);
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true" -> Optional.of(true);
            case "0", "false", "" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    private static Optional<Duration> parseTimeout(String raw) {
        try {
            double seconds = Double.parseDouble(raw.trim());
            if (!(seconds > 0.1) || Double.isInfinite(seconds)) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = URI.create(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static ObjectNode badRequest(String message) {
        return FalJson.detail(message).put("error_type", "bad_request");
    }

    private static ObjectNode invalidJson(String why) {
        ObjectNode body = FalJson.object();
        ArrayNode detail = body.putArray("detail");
        ObjectNode entry = detail.addObject();
        entry.putArray("loc").add("body");
        entry.put("msg", "The request body is not valid JSON: " + why);
        entry.put("type", "json_invalid");
        return body;
    }
}
