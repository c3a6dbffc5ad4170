package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.Violation;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobFilter;
import dev.klingmcp.server.jobs.JobList;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** {@code list_jobs}: the ledger, newest first, with estimated cost totals. Local only: no fal call. */
public final class ListJobsTool extends AbstractTool {

    public static final String NAME = "list_jobs";

    private static final List<String> ARGS = List.of("status", "model", "since", "limit");

    private static final int MAX_LIMIT = 200;

    public ListJobsTool(ToolContext ctx) {
        super(
                ctx,
                ToolSchemas.tool(
                        NAME,
                        "List jobs",
                        "Free, local. Jobs this server has recorded (they survive restarts), newest first, with estimated cost "
                                + "totals (all, succeeded = likely billed, pending). Filter by status, model and since. Use it to find a "
                                + "job_id again instead of generating a new video.",
                        ToolSchemas.input(properties(ctx)),
                        ctx.schemas().asMap(NAME),
                        true,
                        false,
                        true,
                        false));
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
                                .put(
                                        "description",
                                        "Only jobs created at or after this ISO-8601 instant (2026-11-21T10:00:00Z) or date (2026-11-21, UTC)."))
                .set(
                        "limit",
                        ToolJson.object()
                                .put("type", "integer")
                                .put("minimum", 1)
                                .put("maximum", MAX_LIMIT)
                                .put("default", 20));
    }

    @Override
    public CallToolResult call(McpSyncServerExchange exchange, CallToolRequest request) {
        Args args = new Args(ToolJson.tree(request.arguments()));
        Set<JobState> states = states(args);
        FalEndpoint model = args.model(ctx.registry());
        Instant since = since(args);
        int limit = args.integer("limit", 20, 1, MAX_LIMIT);
        args.rejectUnknown(ARGS);
        CallToolResult refused = refusal(args);
        if (refused != null) {
            return refused;
        }
        JobList list;
        try {
            list = ctx.jobs().list(new JobFilter(states, model == null ? null : model.id(), since, limit));
        } catch (JobException e) {
            return ctx.results().failure(e, null);
        }
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
        String head = t.count() + " job(s); estimated total " + GenerateTool.usd(t.estimatedUsd()) + " (succeeded "
                + GenerateTool.usd(t.succeededUsd()) + ", pending " + GenerateTool.usd(t.pendingUsd()) + ")"
                + (list.jobs().size() < t.count()
                        ? "; showing the newest " + list.jobs().size()
                        : "") + ":";
        return ctx.results().ok(out, head + text);
    }

    private static Set<JobState> states(Args args) {
        JsonNode v = args.tree().get("status");
        Set<JobState> out = EnumSet.noneOf(JobState.class);
        if (v == null || v.isNull()) {
            return out;
        }
        List<JsonNode> items = new java.util.ArrayList<>();
        if (v.isArray()) {
            v.forEach(items::add);
        } else {
            items.add(v);
        }
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            try {
                out.add(JobState.valueOf(item.asText().trim().toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                args.problem(Violation.of(
                        v.isArray() ? "/status/" + i : "/status",
                        "enum",
                        "unknown status " + item,
                        String.join(
                                ", ",
                                EnumSet.allOf(JobState.class).stream()
                                        .map(Enum::name)
                                        .toList())));
            }
        }
        return out;
    }

    private static Instant since(Args args) {
        String text = args.string("since", "an ISO-8601 instant or date");
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                args.problem(Violation.of(
                        "/since",
                        "datetime_parsing",
                        "not a date or instant: " + text,
                        "2026-11-21T10:00:00Z or 2026-11-21"));
                return null;
            }
        }
    }
}
