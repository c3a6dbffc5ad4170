package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.Violation;
import dev.klingmcp.server.jobs.JobCursor;
import dev.klingmcp.server.jobs.JobFilter;
import dev.klingmcp.server.jobs.JobList;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** {@code list_jobs}: the ledger, newest first, with estimated cost totals. Local only: no fal call. */
public final class ListJobsTool extends AbstractTool {

    public static final String NAME = "list_jobs";

    private static final int MAX_LIMIT = 200;

    public ListJobsTool(ToolContext ctx) {
        super(
                ctx,
                NAME,
                "List jobs",
                "Free, local. Jobs this server has recorded (they survive restarts), newest first, with estimated cost "
                        + "totals (all, succeeded = likely billed, pending). Filter by status, model and since; next_cursor pages "
                        + "through older jobs. Use it to find a job_id again instead of generating a new video.",
                ToolSchemas.input(properties(ctx)),
                ToolHints.local().readOnly().idempotent());
    }

    private static ObjectNode properties(ToolContext ctx) {
        ArrayNode states = ToolJson.array();
        for (JobState s : JobState.values()) {
            states.add(s.name());
        }
        return ToolJson.object()
                .<ObjectNode>set(
                        "status",
                        ToolJson.object()
                                .put("description", "One state or a list of states to keep.")
                                .set(
                                        "anyOf",
                                        ToolJson.array()
                                                .add(ToolJson.object()
                                                        .put("type", "string")
                                                        .set("enum", states))
                                                .add(ToolJson.object()
                                                        .put("type", "array")
                                                        .set(
                                                                "items",
                                                                ToolJson.object()
                                                                        .put("type", "string")
                                                                        .set("enum", states.deepCopy())))))
                .<ObjectNode>set("model", ToolSchemas.model(ctx, "Only jobs of this model (short name or full id)."))
                .<ObjectNode>set(
                        "since",
                        ToolJson.object()
                                .put("type", "string")
                                .put("maxLength", 64)
                                .put(
                                        "description",
                                        "Only jobs created at or after this ISO-8601 instant (2026-11-21T10:00:00Z) or date (2026-11-21, UTC)."))
                .<ObjectNode>set(
                        "limit",
                        ToolJson.object()
                                .put("type", "integer")
                                .put("minimum", 1)
                                .put("maximum", MAX_LIMIT)
                                .put("default", 20)
                                .put("description", "At most this many jobs, newest first (totals count them all)."))
                .set(
                        "cursor",
                        ToolJson.object()
                                .put("type", "string")
                                .put("maxLength", JobCursor.MAX_LENGTH)
                                .put(
                                        "description",
                                        "The next_cursor of the previous answer: the following page of the same filters"
                                                + " (older jobs). Omit it for the newest jobs."));
    }

    @Override
    protected List<Violation> rules(ToolCall call) {
        List<Violation> problems = new ArrayList<>();
        String since = call.text("since");
        if (since != null && since(since) == null) {
            problems.add(Violation.of(
                    "/since",
                    "datetime_parsing",
                    "not a date or instant: " + since,
                    "2026-11-21T10:00:00Z or 2026-11-21"));
        }
        String cursor = call.text("cursor");
        if (cursor != null && JobCursor.decode(cursor).isEmpty()) {
            problems.add(Violation.of(
                    "/cursor",
                    "value_error",
                    "not a cursor this server gave out: " + cursor,
                    "the next_cursor of a previous list_jobs answer, passed back unchanged"));
        }
        return problems;
    }

    @Override
    protected CallToolResult run(ToolCall call) {
        Set<JobState> states = states(call.args().get("status"));
        FalEndpoint model = call.model(ctx.registry()).orElse(null);
        String sinceText = call.text("since");
        Instant since = sinceText == null ? null : since(sinceText);
        int limit = call.number("limit");
        String cursor = call.text("cursor");
        JobList list = ctx.jobs().list(new JobFilter(states, model, since, limit, null, cursor));
        ObjectNode out = ToolJson.object();
        ArrayNode jobs = out.putArray("jobs");
        StringBuilder text = new StringBuilder();
        for (JobView j : list.jobs()) {
            jobs.add(JobJson.job(j));
            text.append("\n- ")
                    .append(j.jobId())
                    .append(' ')
                    .append(j.state())
                    .append(' ')
                    .append(ctx.registry()
                            .find(j.model())
                            .map(FalEndpoint::shortName)
                            .orElse(j.model()))
                    .append(j.createdAt() == null ? "" : " " + j.createdAt())
                    .append(
                            j.estimate() == null
                                    ? ""
                                    : " est. " + GenerateTool.usd(j.estimate().usd()));
        }
        JobList.CostTotals t = list.totals();
        out.set(
                "totals",
                ToolJson.object()
                        .put("count", t.count())
                        .put("estimated_usd", t.estimatedUsd())
                        .put("succeeded_usd", t.succeededUsd())
                        .put("pending_usd", t.pendingUsd()));
        ObjectNode filters = out.putObject("filters");
        filters.set(
                "status",
                ToolJson.MAPPER.valueToTree(
                        states.stream().map(Enum::name).sorted().toList()));
        filters.put("model", model == null ? null : model.id());
        filters.put("since", since == null ? null : since.toString());
        filters.put("limit", limit);
        filters.put("cursor", cursor);
        out.put("next_cursor", list.nextCursor());
        String shown = cursor != null
                ? "; showing " + list.jobs().size() + " after the cursor"
                : list.jobs().size() < t.count()
                        ? "; showing the newest " + list.jobs().size()
                        : "";
        String head = t.count() + " job(s); estimated total " + GenerateTool.usd(t.estimatedUsd()) + " (succeeded "
                + GenerateTool.usd(t.succeededUsd()) + ", pending " + GenerateTool.usd(t.pendingUsd()) + ")"
                + shown + ":";
        String more = list.nextCursor() == null
                ? ""
                : "\nOlder jobs: call list_jobs again with the same filters and cursor " + list.nextCursor();
        return ctx.results().ok(out, head + text + more);
    }

    /** The states named by {@code status} (one name or a list; the schema has checked the names). */
    private static Set<JobState> states(JsonNode status) {
        Set<JobState> out = EnumSet.noneOf(JobState.class);
        if (status != null && status.isArray()) {
            status.forEach(s -> out.add(JobState.valueOf(s.asText())));
        } else if (status != null && status.isTextual()) {
            out.add(JobState.valueOf(status.asText()));
        }
        return out;
    }

    /** An ISO-8601 instant, or a date meaning its start in UTC; null when the text is neither. */
    private static Instant since(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
