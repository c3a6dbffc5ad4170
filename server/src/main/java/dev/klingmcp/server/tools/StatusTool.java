package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.LogLine;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;

/** {@code status}: where a job is; optionally waits on fal's SSE status stream, reporting progress while it waits. */
public final class StatusTool extends AbstractTool {

    public static final String NAME = "status";

    public StatusTool(ToolContext ctx) {
        super(
                ctx,
                NAME,
                "Job status",
                "Free. The state of a job from generate: QUEUED (with queue position), RUNNING, SUCCEEDED, FAILED, "
                        + "CANCELLED (plus SUBMITTING / UNKNOWN), fal's raw status, the last log lines, elapsed time and an ETA "
                        + "from the model's typical run time. With wait_seconds (max 50: MCP clients cut calls at 60 s) it "
                        + "follows fal's live status stream and returns as soon as the job finishes or the time is up, sending "
                        + "progress notifications (if you pass a progressToken) and fal's logs as log messages. Call it "
                        + "repeatedly with wait_seconds: 50 until SUCCEEDED, then call result.",
                ToolSchemas.input(
                        ToolJson.object()
                                .<ObjectNode>set("job_id", ToolSchemas.jobId())
                                .set(
                                        "wait_seconds",
                                        ToolSchemas.waitSeconds(
                                                "Wait up to this many seconds for the job to finish before "
                                                        + "answering (<= 50: clients cut calls at 60 s).")),
                        "job_id"),
                ToolHints.remote().readOnly().idempotent());
    }

    /** A status read without a wait comes from the ledger when the job's stream or webhook keeps its row fresh. */
    @Override
    public boolean answersInline(CallToolRequest request) {
        Object wait = request.arguments() == null ? null : request.arguments().get("wait_seconds");
        return !(wait instanceof Number n) || n.doubleValue() <= 0;
    }

    @Override
    protected CallToolResult run(ToolCall call) {
        long started = System.nanoTime();
        int wait = call.number("wait_seconds");
        // A wait opens fal's status stream, whose first event is the current status: reading the status first as
        // well would cost one more upstream request per call for nothing, so an unfinished job starts from the ledger.
        JobView before = wait > 0
                ? ctx.jobs()
                        .find(call.jobId())
                        .filter(j -> !j.state().isTerminal())
                        .orElseGet(() -> ctx.jobs().status(call.jobId()))
                : ctx.jobs().status(call.jobId());
        JobView job = awaitWithProgress(call, before, wait);
        double waited = Math.round((System.nanoTime() - started) / 1e8) / 10.0;
        ObjectNode out = ToolJson.object();
        out.set("job", JobJson.jobWithoutNulls(job));
        out.put("finished", job.state().isTerminal());
        out.put("waited_seconds", waited);
        String next = NextStep.forJob(job); // the same sentence twice: built once
        out.put("next_step", next);
        return ctx.results().ok(out, summary(job, next));
    }

    static String summary(JobView job, String next) {
        StringBuilder b =
                new StringBuilder("Job ").append(job.jobId()).append(": ").append(ProgressReporter.message(job));
        if (job.elapsed() != null) {
            b.append(" (").append(JobJson.humanDuration(job.elapsed())).append(" since submit)");
        }
        b.append('.');
        List<LogLine> logs = job.logs();
        if (logs != null && !logs.isEmpty()) {
            b.append(" Last log: ").append(logs.get(logs.size() - 1).message());
        }
        return b.append("\nNext: ").append(next).toString();
    }
}
