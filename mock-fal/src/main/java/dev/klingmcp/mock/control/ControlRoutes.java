package dev.klingmcp.mock.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.MockControl;
import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.mock.fault.FaultPlanJson;
import dev.klingmcp.mock.http.FalJson;
import dev.klingmcp.mock.scenario.Scenario;
import dev.klingmcp.mock.scenario.ScenarioJson;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The control API under {@code /_mock/}: what tests in other processes (and people poking with curl) use to inspect
 * and steer the mock. No auth: it only ever listens where the mock does, loopback by default.
 * <ul>
 *   <li>{@code POST /_mock/reset}</li>
 *   <li>{@code GET /_mock/jobs} (jobs, submit counters per endpoint, webhook deliveries)</li>
 *   <li>{@code GET /_mock/clock}, {@code POST /_mock/clock/advance} {@code {"seconds": 12.5}} (manual clock only)</li>
 *   <li>{@code GET /_mock/faults}, {@code PUT /_mock/faults} (replace), {@code POST /_mock/faults} (add): JSON plan
 *       or {@code {"spec": "status=503x2"}}</li>
 *   <li>{@code GET /_mock/webhooks}</li>
 *   <li>{@code GET /_mock/requests} (every request with its contract check; {@code ?only=violations})</li>
 *   <li>{@code PUT /_mock/clock} {@code {"mode": "manual"}} or {@code {"mode": "scaled", "speed": 60}}</li>
 *   <li>{@code GET /_mock/scenario}, {@code PUT /_mock/scenario} (clock + faults, see {@link ScenarioJson}),
 *       {@code GET /_mock/scenario/schema}</li>
 * </ul>
 */
public final class ControlRoutes {

    public static final String PREFIX = "/_mock";

    private ControlRoutes() {}

    public static void mount(Router router, MockControl control) {
        router.route(PREFIX + "/*").handler(BodyHandler.create(false).setBodyLimit(1024 * 1024));
        router.post(PREFIX + "/reset").handler(ctx -> {
            control.reset();
            FalJson.send(ctx.response(), 200, null, FalJson.object().put("reset", true));
        });
        router.get(PREFIX + "/jobs").handler(ctx -> FalJson.send(ctx.response(), 200, null, ControlJson.jobs(control)));
        router.get(PREFIX + "/webhooks")
                .handler(ctx ->
                        FalJson.send(ctx.response(), 200, null, ControlJson.webhooks(control.webhookDeliveries())));
        router.get(PREFIX + "/clock").handler(ctx -> FalJson.send(ctx.response(), 200, null, clock(control)));
        router.put(PREFIX + "/clock").handler(ctx -> withScenario(ctx, "clock", control));
        router.get(PREFIX + "/requests")
                .handler(ctx -> FalJson.send(
                        ctx.response(),
                        200,
                        null,
                        ControlJson.requests(
                                control.requests(),
                                "violations".equals(ctx.request().getParam("only")))));
        router.get(PREFIX + "/scenario").handler(ctx -> FalJson.send(ctx.response(), 200, null, scenario(control)));
        router.put(PREFIX + "/scenario").handler(ctx -> withScenario(ctx, null, control));
        router.get(PREFIX + "/scenario/schema")
                .handler(ctx -> FalJson.send(ctx.response(), 200, null, ScenarioJson.schema()));
        router.post(PREFIX + "/clock/advance").handler(ctx -> advance(ctx, control));
        router.get(PREFIX + "/faults").handler(ctx -> FalJson.send(ctx.response(), 200, null, faults(control)));
        router.put(PREFIX + "/faults")
                .handler(ctx -> withPlan(ctx, plan -> {
                    control.setFaults(plan);
                    FalJson.send(ctx.response(), 200, null, faults(control));
                }));
        router.post(PREFIX + "/faults")
                .handler(ctx -> withPlan(ctx, plan -> {
                    control.addFaults(plan);
                    FalJson.send(ctx.response(), 200, null, faults(control));
                }));
        router.route(PREFIX + "/*")
                .handler(ctx -> FalJson.send(
                        ctx.response(),
                        404,
                        null,
                        FalJson.detail("No control call " + ctx.request().method() + " "
                                + ctx.request().path() + "; see the ControlRoutes Javadoc for the list")));
    }

    private static void advance(RoutingContext ctx, MockControl control) {
        double seconds;
        try {
            JsonNode body = readBody(ctx);
            String query = ctx.request().getParam("seconds");
            if (query != null) {
                seconds = Double.parseDouble(query);
            } else if (body.path("seconds").isNumber()) {
                seconds = body.get("seconds").asDouble();
            } else {
                throw new IllegalArgumentException("give the step as {\"seconds\": <number>} or ?seconds=<number>");
            }
            if (!(seconds >= 0) || Double.isInfinite(seconds)) {
                throw new IllegalArgumentException("seconds must be a finite number >= 0, got " + seconds);
            }
        } catch (IllegalArgumentException | IOException e) {
            FalJson.send(ctx.response(), 400, null, FalJson.detail(e.getMessage()));
            return;
        }
        try {
            control.advanceClock(Duration.ofMillis(Math.round(seconds * 1000)));
            FalJson.send(ctx.response(), 200, null, clock(control));
        } catch (IllegalStateException e) {
            FalJson.send(ctx.response(), 409, null, FalJson.detail(e.getMessage()));
        }
    }

    /** Applies a scenario body, or (member "clock") a bare clock object wrapped as one. */
    private static void withScenario(RoutingContext ctx, String member, MockControl control) {
        Scenario scenario;
        try {
            JsonNode body = readBody(ctx);
            if (member != null) {
                ObjectNode wrapped = FalJson.object();
                wrapped.set(member, body);
                body = wrapped;
            }
            scenario = ScenarioJson.parse(body);
        } catch (IllegalArgumentException | IOException e) {
            FalJson.send(ctx.response(), 400, null, FalJson.detail("Bad scenario: " + e.getMessage()));
            return;
        }
        control.apply(scenario);
        FalJson.send(ctx.response(), 200, null, member == null ? scenario(control) : clock(control));
    }

    private static ObjectNode scenario(MockControl control) {
        Scenario.Clock clock = control.clock();
        return ScenarioJson.toJson(clock.manual(), clock.speed(), control.faults());
    }

    private static void withPlan(RoutingContext ctx, Consumer<FaultPlan> then) {
        FaultPlan plan;
        try {
            plan = FaultPlanJson.fromJson(readBody(ctx));
        } catch (IllegalArgumentException | IOException e) {
            FalJson.send(ctx.response(), 400, null, FalJson.detail("Bad fault plan: " + e.getMessage()));
            return;
        }
        then.accept(plan);
    }

    private static JsonNode readBody(RoutingContext ctx) throws IOException {
        if (ctx.body() == null || ctx.body().length() <= 0) {
            return FalJson.object();
        }
        return FalJson.MAPPER.readTree(ctx.body().buffer().getBytes());
    }

    private static ObjectNode clock(MockControl control) {
        Scenario.Clock mode = control.clock();
        ObjectNode body = FalJson.object()
                .put("now_millis", control.nowMillis())
                .put("now", java.time.Instant.ofEpochMilli(control.nowMillis()).toString())
                .put("mode", mode.manual() ? "manual" : "scaled");
        if (!mode.manual()) {
            body.put("speed", mode.speed());
        }
        return body;
    }

    private static ObjectNode faults(MockControl control) {
        ObjectNode body = FalJson.object();
        body.set("plan", FaultPlanJson.toJson(control.faults()));
        ObjectNode injected = body.putObject("injected");
        control.injectedFaults().forEach(injected::put);
        return body;
    }
}
