package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.jobs.CancelView;
import dev.klingmcp.server.jobs.JobException;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;

/** {@code cancel}: fal's three answers mapped one to one; an unknown id is a tool error the agent can see. */
public final class CancelTool extends AbstractTool {

    public static final String NAME = "cancel";

    private static final List<String> ARGS = List.of("job_id");

    public CancelTool(ToolContext ctx) {
        super(
                ctx,
                ToolSchemas.tool(
                        NAME,
                        "Cancel a job",
                        "Asks fal to cancel a job. Outcomes: CANCELLATION_REQUESTED (a queued job is removed and not billed; "
                                + "a running one gets a stop signal and may still finish and be billed), ALREADY_COMPLETED (too late: call "
                                + "result), NOT_FOUND (isError: no such job_id; see list_jobs).",
                        ToolSchemas.input(ToolJson.object().set("job_id", ToolSchemas.jobId()), "job_id"),
                        ctx.schemas().asMap(NAME),
                        false,
                        true,
                        true,
                        true));
    }

    @Override
    public CallToolResult call(McpSyncServerExchange exchange, CallToolRequest request) {
        Args args = new Args(ToolJson.tree(request.arguments()));
        String jobId = args.jobId();
        args.rejectUnknown(ARGS);
        CallToolResult refused = refusal(args);
        if (refused != null) {
            return refused;
        }
        CancelView c;
        try {
            c = ctx.jobs().cancel(jobId);
        } catch (JobException e) {
            return ctx.results().failure(e, ToolJson.object().put("job_id", jobId));
        }
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
                out.put("next_step", "Check the id with list_jobs.");
                out.set("error", ToolResults.errorNode(ToolResults.Code.not_found, "no job with id " + jobId));
                return ctx.results().error(out, "No job with id " + jobId + ". Check the id with list_jobs.");
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
