package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.jobs.CancelView;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

/** {@code cancel}: fal's three answers mapped one to one; an unknown id is a tool error the agent can see. */
public final class CancelTool extends AbstractTool {

    public static final String NAME = "cancel";

    public CancelTool(ToolContext ctx) {
        super(
                ctx,
                NAME,
                "Cancel a job",
                "Asks fal to cancel a job. Outcomes: CANCELLATION_REQUESTED (a queued job is removed and not billed; "
                        + "a running one gets a stop signal and may still finish and be billed), ALREADY_COMPLETED (too late: call "
                        + "result), NOT_FOUND (isError: no such job_id; see list_jobs).",
                ToolSchemas.input(ToolJson.object().set("job_id", ToolSchemas.jobId()), "job_id"),
                ToolHints.remote().destructive().idempotent());
    }

    @Override
    protected CallToolResult run(ToolCall call) {
        String jobId = call.jobId();
        CancelView c = ctx.jobs().cancel(jobId);
        ObjectNode out = ToolJson.object()
                .put("job_id", c.job() == null ? jobId : c.job().jobId());
        out.put("outcome", c.outcome().name());
        out.put("status", c.job() == null ? null : c.job().state().name());
        out.put("message", c.message());
        if (c.job() != null) {
            ctx.events().changed(c.job().jobId());
        }
        switch (c.outcome()) {
            case NOT_FOUND -> {
                if (c.job() != null) {
                    // The ledger knows the job (e.g. a local-… id fal never confirmed): say so, not "no job".
                    out.put("next_step", NextStep.forJob(c.job()));
                    out.set(
                            "error",
                            ToolResults.errorNode(ToolResults.Code.not_found, c.message())
                                    .put("retryable", false));
                    return ctx.results()
                            .error(
                                    out,
                                    c.message() + "\nNext: "
                                            + out.get("next_step").asText());
                }
                // The same error as status and result give for an unknown id: an agent handles one shape.
                String unknown = "No job with id '" + jobId + "' in the ledger; list_jobs shows the known ids.";
                out.put("next_step", "Check the id with list_jobs.");
                out.set(
                        "error",
                        ToolResults.errorNode(ToolResults.Code.not_found, unknown)
                                .put("retryable", false));
                return ctx.results().error(out, unknown);
            }
            case ALREADY_COMPLETED -> out.put(
                    "next_step",
                    "Too late to cancel; call result with job_id=\""
                            + out.get("job_id").asText() + "\".");
            default -> out.put(
                    "next_step", "Call status to see the job reach CANCELLED (a running job may still finish).");
        }
        return ctx.results()
                .ok(
                        out,
                        c.outcome() + ": " + c.message() + "\nNext: "
                                + out.get("next_step").asText());
    }
}
