package dev.klingmcp.mock.control;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.MockControl;
import dev.klingmcp.mock.http.FalJson;
import dev.klingmcp.mock.queue.JobSnapshot;
import dev.klingmcp.mock.report.ContractViolation;
import dev.klingmcp.mock.report.RecordedRequest;
import dev.klingmcp.mock.webhook.WebhookDelivery;
import java.time.Instant;
import java.util.List;

/** JSON views of the mock's state for the control API. */
final class ControlJson {

    private ControlJson() {}

    static ObjectNode jobs(MockControl control) {
        ObjectNode body = FalJson.object();
        body.put("now", Instant.ofEpochMilli(control.nowMillis()).toString());
        ArrayNode jobs = body.putArray("jobs");
        control.jobs().forEach(job -> jobs.add(job(job)));
        ObjectNode submits = body.putObject("submits");
        control.submits().forEach((endpoint, count) -> submits.putObject(endpoint)
                .put("attempts", count.attempts())
                .put("accepted", count.accepted()));
        body.set("webhooks", webhooks(control.webhookDeliveries()));
        return body;
    }

    static ObjectNode job(JobSnapshot job) {
        ObjectNode node = FalJson.object();
        node.put("request_id", job.requestId());
        node.put("endpoint_id", job.endpointId());
        node.put("status", job.status().name());
        node.put("queue_position", job.queuePosition());
        node.put("submitted_at", Instant.ofEpochMilli(job.submittedAtMillis()).toString());
        node.put(
                "started_at",
                job.startedAtMillis() == null
                        ? null
                        : Instant.ofEpochMilli(job.startedAtMillis()).toString());
        node.put(
                "completed_at",
                job.completedAtMillis() == null
                        ? null
                        : Instant.ofEpochMilli(job.completedAtMillis()).toString());
        node.put("inference_time", job.inferenceSeconds());
        node.put("cancelled", job.cancelled());
        node.put(
                "result_status",
                job.completed() ? (job.failure() == null ? 200 : job.failure().httpStatus()) : null);
        node.put("error_type", job.failure() == null ? null : job.failure().errorType());
        node.put("video_seconds", job.videoSeconds());
        node.put("aspect_ratio", job.aspectRatio());
        node.put("webhook_url", job.webhookUrl());
        node.put("log_lines", job.logs().size());
        node.set("input", job.input());
        return node;
    }

    static ArrayNode webhooks(List<WebhookDelivery> deliveries) {
        ArrayNode list = FalJson.MAPPER.createArrayNode();
        for (WebhookDelivery d : deliveries) {
            ObjectNode node = list.addObject()
                    .put("request_id", d.requestId())
                    .put("url", d.url())
                    .put("outcome", d.outcome().name());
            ArrayNode attempts = node.putArray("attempts");
            d.attempts().forEach(a -> attempts.addObject()
                    .put("number", a.number())
                    .put("status_code", a.statusCode())
                    .put("error", a.error())
                    .put("timestamp", a.timestamp()));
        }
        return list;
    }

    /** The request report: every request (or only the mismatching ones) with what was wrong. */
    static ObjectNode requests(List<RecordedRequest> requests, boolean onlyViolations) {
        ObjectNode body = FalJson.object();
        body.put("total", requests.size());
        body.put("violating", requests.stream().filter(r -> !r.matched()).count());
        ArrayNode list = body.putArray("requests");
        for (RecordedRequest r : requests) {
            if (onlyViolations && r.matched()) {
                continue;
            }
            ObjectNode node = list.addObject()
                    .put("seq", r.seq())
                    .put("at", Instant.ofEpochMilli(r.atMillis()).toString())
                    .put("method", r.method())
                    .put("path", r.path())
                    .put("query", r.query())
                    .put("call", r.call())
                    .put("endpoint_id", r.endpointId())
                    .put("request_id", r.requestId())
                    .put("status", r.status())
                    .put("checked", r.checked())
                    .put("matched", r.matched());
            node.set("body", r.body());
            ArrayNode violations = node.putArray("violations");
            for (ContractViolation v : r.violations()) {
                violations
                        .addObject()
                        .put("where", v.where())
                        .put("path", v.path())
                        .put("problem", v.problem())
                        .put("allowed", v.allowed())
                        .put("type", v.type());
            }
        }
        return body;
    }
}
