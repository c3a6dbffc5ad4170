package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.InputValidator;
import dev.klingmcp.openapi.Violation;
import dev.klingmcp.server.jobs.CostEstimate;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.SubmitCommand;
import dev.klingmcp.server.jobs.SubmitResult;
import dev.klingmcp.server.tools.InputNormalizer.Normalized;
import dev.klingmcp.server.tools.InputNormalizer.Warning;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code generate}: validate, price and submit one video job. Order matters: options, aliases and the model's schema
 * plus cross-field rules are all checked before {@link dev.klingmcp.server.jobs.JobService#submit} is called, so a
 * refused call costs nothing and reaches no network.
 */
public final class GenerateTool extends AbstractTool {

    public static final String NAME = "generate";

    private final Map<String, Set<String>> fieldsByModel = new ConcurrentHashMap<>();

    public GenerateTool(ToolContext ctx) {
        super(
                ctx,
                ToolSchemas.tool(
                        NAME,
                        "Generate a Kling O3 video (paid)",
                        Descriptions.generate(ctx),
                        ToolJson.toMap(GenerateSchema.build(ctx.registry())),
                        ctx.schemas().asMap(NAME),
                        false,
                        false,
                        false,
                        true));
    }

    @Override
    public CallToolResult call(McpSyncServerExchange exchange, CallToolRequest request) {
        ObjectNode all = ToolJson.tree(request.arguments());
        Args args = new Args(all);
        String names = String.join(", ", ctx.registry().names());
        String modelName = args.requiredString("model", names);
        FalEndpoint endpoint =
                modelName == null ? null : ctx.registry().find(modelName).orElse(null);
        if (modelName != null && endpoint == null) {
            args.problem(Violation.of("/model", "enum", "unknown model '" + modelName + "'", names));
        }
        boolean dryRun = args.bool("dry_run", false);
        int waitSeconds = args.integer("wait_seconds", 0, 0, GenerateSchema.MAX_WAIT_SECONDS);
        String webhook = webhook(args);
        String idempotencyKey = args.string("idempotency_key", "any text up to 200 characters");

        ObjectNode input = all.deepCopy();
        GenerateSchema.OPTIONS.forEach(input::remove);
        if (endpoint == null) {
            return ctx.results().invalid(args.problems(), ToolJson.object().put("dry_run", dryRun));
        }
        Normalized normalized = InputNormalizer.normalize(
                input, fieldsByModel.computeIfAbsent(endpoint.id(), id -> GenerateSchema.fieldsOf(endpoint)));
        List<Violation> problems = new ArrayList<>(args.problems());
        problems.addAll(normalized.violations());
        problems.addAll(InputValidator.forEndpoint(endpoint, true).validate(normalized.input()));

        ObjectNode context = ToolJson.object().put("model", endpoint.id()).put("dry_run", dryRun);
        context.set("warnings", warnings(normalized.warnings()));
        if (!problems.isEmpty()) {
            return ctx.results().invalid(problems, context);
        }
        try {
            SubmitResult submitted =
                    ctx.jobs().submit(new SubmitCommand(endpoint, normalized.input(), webhook, dryRun, idempotencyKey));
            return dryRun
                    ? dryRunResult(endpoint, normalized, submitted.estimate())
                    : submittedResult(exchange, request, endpoint, normalized, submitted, waitSeconds);
        } catch (JobException e) {
            return ctx.results().failure(e, context);
        }
    }

    private CallToolResult dryRunResult(FalEndpoint endpoint, Normalized normalized, CostEstimate estimate) {
        ObjectNode out = ToolJson.object();
        out.putNull("job_id");
        out.put("model", endpoint.id());
        out.putNull("status");
        out.put("dry_run", true).put("reused", false);
        out.set("estimate", JobJson.estimate(estimate));
        out.set("warnings", warnings(normalized.warnings()));
        out.set("input", normalized.input());
        out.put(
                "next_step",
                "Nothing was submitted or charged. Tell the user the estimate (" + usd(estimate.usd())
                        + "); to start the job call generate again with the same arguments and without dry_run.");
        String text =
                "Dry run: the input is valid for " + endpoint.shortName() + ". Estimated cost " + usd(estimate.usd())
                        + " (" + estimate.basis() + "). Nothing was submitted." + warningLines(normalized.warnings());
        return ctx.results().ok(out, text);
    }

    private CallToolResult submittedResult(
            McpSyncServerExchange exchange,
            CallToolRequest request,
            FalEndpoint endpoint,
            Normalized normalized,
            SubmitResult submitted,
            int waitSeconds) {
        JobView job = awaitWithProgress(exchange, request, submitted.job(), waitSeconds);
        ObjectNode out = ToolJson.object();
        out.put("job_id", job.jobId());
        out.put("model", endpoint.id());
        out.put("status", job.state().name());
        out.put("fal_status", job.falStatus());
        if (job.queuePosition() == null) {
            out.putNull("queue_position");
        } else {
            out.put("queue_position", job.queuePosition());
        }
        out.put("dry_run", false).put("reused", submitted.reused());
        out.set("estimate", JobJson.estimate(submitted.estimate()));
        out.set("warnings", warnings(normalized.warnings()));
        out.set("input", normalized.input());
        ObjectNode jobNode = JobJson.job(job);
        out.set("eta_seconds", jobNode.get("eta_seconds"));
        out.set("job", jobNode);
        out.put("next_step", NextStep.forJob(job));
        String text = (submitted.reused()
                        ? "Returned the job already submitted with this idempotency_key: "
                        : "Submitted job ")
                + job.jobId() + " to " + endpoint.shortName() + ": " + ProgressReporter.message(job)
                + ". Estimated cost " + usd(submitted.estimate().usd()) + " ("
                + submitted.estimate().basis() + "). Next: "
                + NextStep.forJob(job) + warningLines(normalized.warnings());
        return ctx.results().ok(out, text);
    }

    private static String webhook(Args args) {
        String url = args.string("webhook_url", "an absolute http(s) URL");
        if (url == null) {
            return null;
        }
        try {
            URI uri = new URI(url);
            if (uri.getHost() != null
                    && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                return url;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        args.problem(Violation.of(
                "/webhook_url",
                "url_parsing",
                "not an absolute http(s) URL: " + url,
                "an absolute http(s) URL such as https://example.com/fal-webhook"));
        return null;
    }

    static ArrayNode warnings(List<Warning> warnings) {
        ArrayNode out = ToolJson.array();
        warnings.forEach(w -> out.addObject().put("path", w.path()).put("message", w.message()));
        return out;
    }

    private static String warningLines(List<Warning> warnings) {
        StringBuilder b = new StringBuilder();
        warnings.forEach(w -> b.append("\nWarning: ").append(w));
        return b.toString();
    }

    static String usd(double amount) {
        return String.format(java.util.Locale.ROOT, "$%.2f", amount);
    }
}
