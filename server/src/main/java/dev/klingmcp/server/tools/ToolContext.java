package dev.klingmcp.server.tools;

import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.budget.CostGuard;
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
 * @param costGuard asks the person to confirm expensive jobs before they are submitted
 */
public record ToolContext(
        JobService jobs,
        FalEndpoints registry,
        ToolResults results,
        OutputSchemas schemas,
        JobEvents events,
        ToolSchemaProfile profile,
        CostGuard costGuard) {

    public ToolContext {
        Objects.requireNonNull(jobs, "jobs == null");
        Objects.requireNonNull(registry, "registry == null");
        Objects.requireNonNull(results, "results == null");
        Objects.requireNonNull(schemas, "schemas == null");
        Objects.requireNonNull(events, "events == null");
        Objects.requireNonNull(profile, "profile == null");
        Objects.requireNonNull(costGuard, "costGuard == null");
    }

    /** A context that never asks for a cost confirmation. */
    public ToolContext(
            JobService jobs,
            FalEndpoints registry,
            ToolResults results,
            OutputSchemas schemas,
            JobEvents events,
            ToolSchemaProfile profile) {
        this(jobs, registry, results, schemas, events, profile, CostGuard.none());
    }

    /** A context publishing portable schemas. */
    public ToolContext(
            JobService jobs,
            FalEndpoints registry,
            ToolResults results,
            OutputSchemas schemas,
            JobEvents events,
            CostGuard costGuard) {
        this(jobs, registry, results, schemas, events, ToolSchemaProfile.PORTABLE, costGuard);
    }

    /** A context publishing portable schemas that never asks for a cost confirmation. */
    public ToolContext(
            JobService jobs, FalEndpoints registry, ToolResults results, OutputSchemas schemas, JobEvents events) {
        this(jobs, registry, results, schemas, events, ToolSchemaProfile.PORTABLE, CostGuard.none());
    }
}
