package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.SchemaCheck;
import dev.klingmcp.openapi.Violation;
import dev.klingmcp.server.config.ToolSchemaProfile;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobView;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Base of the tools: every call is checked against the tool's own input schema before the tool sees it, rules a schema
 * cannot state are added by {@link #rules}, and a {@link JobException} becomes a tool error. The schema that checks is
 * the full strict one; the one published in {@code tools/list} may be a simpler rendering of it, never a looser check.
 * Designed for extension by the tools of this package only.
 */
abstract class AbstractTool implements KlingTool {

    protected final ToolContext ctx;

    private final Tool tool;

    private final SchemaCheck arguments;

    private final ObjectNode properties;

    /**
     * @param checked   the schema every call must pass (strict: {@code additionalProperties: false}, no null where
     *                  the field is not nullable)
     * @param published the {@code inputSchema} clients see in the full profile; the portable profile publishes
     *                  {@link PortableSchema#of} of it
     */
    AbstractTool(
            ToolContext ctx,
            String name,
            String title,
            String description,
            ObjectNode checked,
            ObjectNode published,
            ToolHints hints) {
        this.ctx = ctx;
        this.arguments = SchemaCheck.of(checked);
        this.properties = checked.path("properties").deepCopy();
        ObjectNode shown = ctx.profile() == ToolSchemaProfile.FULL ? published : PortableSchema.of(published);
        this.tool = Tool.builder(name, ToolJson.toMap(shown))
                .title(title)
                .description(description)
                .outputSchema(ctx.schemas().asMap(name))
                .annotations(hints.annotations(title))
                .build();
    }

    /** A tool whose published schema is the one it checks. */
    AbstractTool(ToolContext ctx, String name, String title, String description, ObjectNode input, ToolHints hints) {
        this(ctx, name, title, description, input, input, hints);
    }

    @Override
    public final Tool tool() {
        return tool;
    }

    @Override
    public final CallToolResult call(McpSyncServerExchange exchange, CallToolRequest request) {
        ToolCall call = new ToolCall(exchange, request, properties);
        List<Violation> problems = new ArrayList<>(arguments.validate(call.args()));
        problems.addAll(rules(call));
        if (!problems.isEmpty()) {
            return ctx.results().invalid(problems, context(call));
        }
        try {
            return run(call);
        } catch (JobException e) {
            return ctx.results().failure(e, context(call));
        }
    }

    /** The tool's work, on arguments that passed the schema and {@link #rules}. */
    protected abstract CallToolResult run(ToolCall call);

    /**
     * Problems the schema cannot state (a parseable date, a reachable URL scheme...). Called even when the schema found
     * problems, so that every problem is reported at once: read arguments only through {@link ToolCall}'s readers, which
     * skip values of the wrong type.
     */
    protected List<Violation> rules(ToolCall call) {
        return List.of();
    }

    /** Fields put next to {@code error} in an error result: the job id by default. */
    protected ObjectNode context(ToolCall call) {
        String jobId = call.jobId();
        return jobId == null ? null : ToolJson.object().put("job_id", jobId);
    }

    /**
     * Waits up to {@code waitSeconds} for an unfinished job, reporting progress to the caller if it asked for it; a
     * finished job (or no wait) comes back as it is.
     */
    protected final JobView awaitWithProgress(ToolCall call, JobView job, int waitSeconds) {
        if (waitSeconds <= 0 || job.state().isTerminal()) {
            return job;
        }
        ProgressReporter progress =
                new ProgressReporter(call.exchange(), KlingTool.progressToken(call.request()), ctx.events()::changed);
        progress.report(job);
        JobView latest = ctx.jobs().await(job.jobId(), Duration.ofSeconds(waitSeconds), progress);
        // The stream may end without a final event (result settled afterwards): close the bar at 100.
        progress.report(latest);
        return latest;
    }
}
