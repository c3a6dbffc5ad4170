package dev.klingmcp.server.tools;

import dev.klingmcp.server.jobs.JobView;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.time.Duration;

/** Base of the tools: holds the context and the declaration. Designed for extension by the tools of this package only. */
abstract class AbstractTool implements KlingTool {

    protected final ToolContext ctx;

    private final Tool tool;

    AbstractTool(ToolContext ctx, Tool tool) {
        this.ctx = ctx;
        this.tool = tool;
    }

    @Override
    public final Tool tool() {
        return tool;
    }

    /** The invalid-input result when the arguments had problems, else null. */
    protected final CallToolResult refusal(Args args) {
        return args.problems().isEmpty() ? null : ctx.results().invalid(args.problems(), null);
    }

    /**
     * Waits up to {@code waitSeconds} for an unfinished job, reporting progress to the caller if it asked for it; a
     * finished job (or no wait) comes back as it is.
     */
    protected final JobView awaitWithProgress(
            McpSyncServerExchange exchange, CallToolRequest request, JobView job, int waitSeconds) {
        if (waitSeconds <= 0 || job.state().isTerminal()) {
            return job;
        }
        ProgressReporter progress =
                new ProgressReporter(exchange, KlingTool.progressToken(request), ctx.events()::changed);
        progress.report(job);
        JobView latest = ctx.jobs().await(job.jobId(), Duration.ofSeconds(waitSeconds), progress);
        // The stream may end without a final event (result settled afterwards): close the bar at 100.
        progress.report(latest);
        return latest;
    }
}
