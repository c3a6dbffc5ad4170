package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.SchemaCheck;
import dev.klingmcp.openapi.Violation;
import dev.klingmcp.server.config.ToolSchemaProfile;
import dev.klingmcp.server.fal.CallDeadline;
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

    /** Time kept after a wait for settling the result and answering. */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(8);

    /** No schema of ours or fal's has a field name near this long. */
    private static final int MAX_NAME_LENGTH = 200;

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
        boolean full = ctx.profile() == ToolSchemaProfile.FULL;
        ObjectNode shown = full ? published : PortableSchema.of(published);
        ObjectNode output = ctx.schemas().schema(name);
        this.tool = Tool.builder(name, ToolJson.toMap(shown))
                .title(title)
                .description(description)
                .outputSchema(ToolJson.toMap(full ? output : PortableSchema.ofOutput(output)))
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
        List<Violation> problems = new ArrayList<>();
        dropOversizedNames(call.args(), "", problems);
        problems.addAll(arguments.validate(call.args()));
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

    /**
     * Longer field names (at any depth) are removed and reported once, shortened, before the validator sees (and
     * echoes, compares, formats) them.
     */
    private static void dropOversizedNames(JsonNode node, String path, List<Violation> problems) {
        if (node instanceof ObjectNode object) {
            List<String> oversized = new ArrayList<>();
            object.properties().forEach(e -> {
                if (e.getKey().length() > MAX_NAME_LENGTH) {
                    oversized.add(e.getKey());
                }
            });
            for (String f : oversized) {
                object.remove(f);
                problems.add(Violation.of(
                        path + "/" + f.substring(0, 60) + "…",
                        "extra_forbidden",
                        "unknown field with a " + f.length() + "-character name",
                        "the documented field names"));
            }
            object.properties().forEach(e -> dropOversizedNames(e.getValue(), path + "/" + e.getKey(), problems));
        } else if (node != null && node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                dropOversizedNames(node.get(i), path + "/" + i, problems);
            }
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
        // Echoed only when it could be an id: a refused 10 MB job_id must not come back in the answer.
        return jobId == null || jobId.length() > MAX_NAME_LENGTH
                ? null
                : ToolJson.object().put("job_id", jobId);
    }

    /**
     * Waits up to {@code waitSeconds} for an unfinished job, reporting progress to the caller if it asked for it; a
     * finished job (or no wait) comes back as it is.
     */
    protected final JobView awaitWithProgress(ToolCall call, JobView job, int waitSeconds) {
        Duration wait = Duration.ofSeconds(Math.max(0, waitSeconds));
        Duration left = CallDeadline.remainingHere();
        if (left != null) {
            // The wait ends early enough for the answer (and a result fetch) to make the call's deadline.
            Duration usable = left.minus(ANSWER_MARGIN);
            wait = usable.compareTo(wait) < 0 ? (usable.isNegative() ? Duration.ZERO : usable) : wait;
        }
        if (wait.isZero() || job.state().isTerminal() || CallDeadline.cancelledHere()) {
            return job;
        }
        ProgressReporter progress =
                new ProgressReporter(call.exchange(), KlingTool.progressToken(call.request()), ctx.events()::changed);
        progress.report(job);
        JobView latest = ctx.jobs().await(job.jobId(), wait, progress);
        // The stream may end without a final event (result settled afterwards): close the bar at 100.
        progress.report(latest);
        return latest;
    }
}
