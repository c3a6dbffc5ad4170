package dev.klingmcp.server.tools;

import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.config.ToolSchemaProfile;
import dev.klingmcp.server.jobs.JobService;
import java.util.Objects;

/**
 * What every tool needs.
 *
 * @param jobs     the seam to fal, the ledger and the disk
 * @param registry the models
 * @param results  result builder (with secret redaction)
 * @param schemas  output schemas
 * @param events   job change hooks for resource subscriptions
 * @param profile  which rendering of the input schemas tools/list publishes
 */
public record ToolContext(
        JobService jobs,
        FalEndpoints registry,
        ToolResults results,
        OutputSchemas schemas,
        JobEvents events,
        ToolSchemaProfile profile) {

    public ToolContext {
        Objects.requireNonNull(jobs, "jobs == null");
        Objects.requireNonNull(registry, "registry == null");
        Objects.requireNonNull(results, "results == null");
        Objects.requireNonNull(schemas, "schemas == null");
        Objects.requireNonNull(events, "events == null");
        Objects.requireNonNull(profile, "profile == null");
    }
}
