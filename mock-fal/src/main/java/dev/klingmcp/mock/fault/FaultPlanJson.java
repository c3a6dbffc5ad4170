package dev.klingmcp.mock.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.queue.JobFaults;
import java.util.Map;

/**
 * JSON form of a {@link FaultPlan}, used by {@code PUT /_mock/faults} and {@code --faults-file}:
 * <pre>{@code
 * {"routes": {"status": {"script": ["503", "503"], "probabilities": {"429": 0.1}}},
 *  "job": {"script": ["stuck", "fail:runner_disconnected"], "probabilities": {"cancel_ignored": 0.5}},
 *  "retry_after_seconds": 1, "slow_millis": 2000}
 * }</pre>
 * or simply {@code {"spec": "status=503x2,job=stuck"}}.
 */
public final class FaultPlanJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private FaultPlanJson() {}

    public static FaultPlan fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("a fault plan must be a JSON object");
        }
        FaultPlan plan =
                json.hasNonNull("spec") ? FaultPlan.parse(json.get("spec").asText()) : new FaultPlan();
        JsonNode routes = json.path("routes");
        for (Map.Entry<String, JsonNode> e : routes.properties()) {
            FaultRoute route = FaultRoute.parse(e.getKey());
            for (JsonNode a : e.getValue().path("script")) {
                plan.script(route, FaultAction.parse(a.asText()));
            }
            e.getValue()
                    .path("probabilities")
                    .properties()
                    .forEach(p -> plan.probability(
                            route, FaultAction.parse(p.getKey()), number(p.getValue(), "probability")));
        }
        JsonNode job = json.path("job");
        for (JsonNode j : job.path("script")) {
            plan.jobScript(JobFaultSpec.parse(j.asText()));
        }
        job.path("probabilities")
                .properties()
                .forEach(p -> plan.jobProbability(p.getKey(), number(p.getValue(), "probability")));
        if (json.has("retry_after_seconds")) {
            plan.retryAfterSeconds((int) number(json.get("retry_after_seconds"), "retry_after_seconds"));
        }
        if (json.has("slow_millis")) {
            plan.slowMillis((long) number(json.get("slow_millis"), "slow_millis"));
        }
        return plan;
    }

    public static ObjectNode toJson(FaultPlan plan) {
        ObjectNode root = JSON.objectNode();
        ObjectNode routes = root.putObject("routes");
        for (FaultRoute route : FaultRoute.values()) {
            var script = plan.scripts().get(route);
            var probabilities = plan.probabilities().get(route);
            if ((script == null || script.isEmpty()) && probabilities == null) {
                continue;
            }
            ObjectNode r = routes.putObject(route.key());
            var s = r.putArray("script");
            if (script != null) {
                script.forEach(a -> s.add(a.toString()));
            }
            ObjectNode p = r.putObject("probabilities");
            if (probabilities != null) {
                probabilities.forEach((a, v) -> p.put(a.toString(), v));
            }
        }
        ObjectNode job = root.putObject("job");
        var js = job.putArray("script");
        for (JobFaults f : plan.jobScript()) {
            js.add(JobFaultSpec.format(f));
        }
        ObjectNode jp = job.putObject("probabilities");
        plan.jobProbabilities().forEach(jp::put);
        root.put("retry_after_seconds", plan.retryAfterSeconds());
        root.put("slow_millis", plan.slowMillis());
        return root;
    }

    private static double number(JsonNode node, String what) {
        if (node == null || !node.isNumber()) {
            throw new IllegalArgumentException(what + " must be a number, got " + node);
        }
        return node.asDouble();
    }
}
