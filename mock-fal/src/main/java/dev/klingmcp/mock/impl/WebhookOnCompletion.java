package dev.klingmcp.mock.impl;

import dev.klingmcp.mock.http.ResultWriter;
import dev.klingmcp.mock.queue.JobSnapshot;
import dev.klingmcp.mock.webhook.WebhookDispatcher;
import dev.klingmcp.mock.webhook.WebhookEvent;

/**
 * Sends the {@code fal_webhook} of a finished job: {@code OK} with the same output the result GET returns, or
 * {@code ERROR} with fal's summary ({@code "Invalid status code: 422"}) and the error body as payload.
 */
final class WebhookOnCompletion {

    private final WebhookDispatcher webhooks;
    private final ResultWriter results;

    WebhookOnCompletion(WebhookDispatcher webhooks, ResultWriter results) {
        this.webhooks = webhooks;
        this.results = results;
    }

    void accept(JobSnapshot job) {
        if (job.webhookUrl() == null) {
            return;
        }
        if (job.failure() != null) {
            webhooks.dispatch(
                    job.webhookUrl(),
                    WebhookEvent.error(
                            job.requestId(),
                            "Invalid status code: " + job.failure().httpStatus(),
                            job.failure().body()));
            return;
        }
        results.output(job)
                .onComplete(ar -> webhooks.dispatch(
                        job.webhookUrl(),
                        ar.succeeded()
                                ? WebhookEvent.ok(job.requestId(), ar.result())
                                : WebhookEvent.error(
                                        job.requestId(),
                                        "Invalid status code: 500",
                                        dev.klingmcp.mock.http.FalJson.detail("Could not produce the output video"))));
    }
}
