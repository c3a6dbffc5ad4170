package dev.klingmcp.server.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import java.util.Objects;

/**
 * One request to generate a video.
 *
 * @param endpoint   the fal endpoint (resolved from a short name or full id by the caller)
 * @param input      the model input, already normalized (aliases mapped, {@code duration} as fal's string enum)
 * @param webhookUrl optional URL passed to fal as {@code fal_webhook}; never called by us and never sent the key
 * @param dryRun     validate and price only; nothing is written or submitted
 * @param clientKey  optional key from the caller; together with model + input it forms the idempotency key, so a retried
 *                   {@code generate} with the same key returns the first job instead of submitting twice. Null means no
 *                   deduplication (two identical inputs may be wanted: generation is not deterministic).
 * @param owner      the principal the job is recorded under (null without authorization); part of the idempotency key,
 *                   so one principal's key never returns another's job
 */
public record SubmitCommand(
        FalEndpoint endpoint, ObjectNode input, String webhookUrl, boolean dryRun, String clientKey, String owner) {
    public SubmitCommand {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(input, "input");
    }

    public SubmitCommand(FalEndpoint endpoint, ObjectNode input, String webhookUrl, boolean dryRun, String clientKey) {
        this(endpoint, input, webhookUrl, dryRun, clientKey, null);
    }

    public SubmitCommand withOwner(String subject) {
        return new SubmitCommand(endpoint, input, webhookUrl, dryRun, clientKey, subject);
    }

    public static SubmitCommand of(FalEndpoint endpoint, ObjectNode input) {
        return new SubmitCommand(endpoint, input, null, false, null);
    }
}
