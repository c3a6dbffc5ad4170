package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.InputValidator;
import dev.klingmcp.openapi.Violation;
import dev.klingmcp.server.budget.CostGuard;
import dev.klingmcp.server.jobs.CostEstimate;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.SubmitCommand;
import dev.klingmcp.server.jobs.SubmitResult;
import dev.klingmcp.server.tools.InputNormalizer.Normalized;
import dev.klingmcp.server.tools.InputNormalizer.Warning;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code generate}: validate, price and submit one video job. Order matters: options, aliases and the model's schema
 * plus cross-field rules are all checked before {@link dev.klingmcp.server.jobs.JobService#submit} is called, so a
 * refused call costs nothing and reaches no network.
 */
public final class GenerateTool extends AbstractTool {

    public static final String NAME = "generate";

    public GenerateTool(ToolContext ctx) {
        super(
                ctx,
                NAME,
                "Generate a Kling O3 video (paid)",
                Descriptions.generate(ctx),
                GenerateSchema.options(ctx.registry()),
                GenerateSchema.build(ctx.registry()),
                ToolHints.remote());
    }

    /** The webhook and, once the model is known, its fields: aliases renamed, then the model's strict schema. */
    @Override
    protected List<Violation> rules(ToolCall call) {
        List<Violation> problems = new ArrayList<>(webhookProblems(call.text("webhook_url")));
        call.model(ctx.registry())
                .ifPresentOrElse(
                        endpoint -> {
                            Normalized normalized = normalize(call, endpoint);
                            problems.addAll(normalized.violations());
                            problems.addAll(
                                    InputValidator.forEndpoint(endpoint, true).validate(normalized.input()));
                            // URLs fal could not fetch, in the same answer rather than on the next attempt (one
                            // problem per field: a value the schema already refused is not judged twice).
                            Set<String> refused = new HashSet<>();
                            problems.forEach(p -> refused.add(p.path()));
                            ctx.jobs().urlProblems(normalized.input()).stream()
                                    .filter(p -> !refused.contains(p.path()))
                                    .forEach(problems::add);
                        },
                        () -> problems.addAll(unknownToEveryModel(call)));
        return problems;
    }

    /** Without a model its fields cannot be checked, but a name that no model takes is wrong whichever is meant. */
    private List<Violation> unknownToEveryModel(ToolCall call) {
        Set<String> known = new TreeSet<>(GenerateSchema.OPTIONS);
        ctx.registry().all().forEach(e -> known.addAll(GenerateSchema.fieldsOf(e)));
        InputNormalizer.ALIASES.forEach(a -> known.add(a.alias()));
        List<Violation> problems = new ArrayList<>();
        call.args().fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                problems.add(Violation.of(
                        "/" + name,
                        "extra_forbidden",
                        "unknown field '" + name + "': no model takes it",
                        "the options and model fields listed in generate's input schema"));
            }
        });
        return problems;
    }

    @Override
    protected ObjectNode context(ToolCall call) {
        ObjectNode context = ToolJson.object();
        call.model(ctx.registry()).ifPresent(endpoint -> context.put("model", endpoint.id()));
        context.put("dry_run", call.flag("dry_run"));
        call.model(ctx.registry())
                .ifPresent(endpoint -> context.set(
                        "warnings", warnings(normalize(call, endpoint).warnings())));
        return context;
    }

    @Override
    protected CallToolResult run(ToolCall call) {
        FalEndpoint endpoint = call.model(ctx.registry()).orElseThrow();
        Normalized normalized = normalize(call, endpoint);
        boolean dryRun = call.flag("dry_run");
        String idempotencyKey = call.text("idempotency_key");
        if (!dryRun) {
            // Nothing above the confirmation threshold reaches fal unconfirmed.
            CostGuard.Verdict verdict = ctx.costGuard()
                    .check(
                            call.exchange(),
                            NAME,
                            call.args(),
                            endpoint,
                            ctx.jobs().estimate(endpoint, normalized.input()));
            if (verdict instanceof CostGuard.Declined declined) {
                return ctx.results().failure(ToolResults.Code.cost_not_confirmed, declined.message(), context(call));
            }
            if (verdict instanceof CostGuard.Unconfirmed unconfirmed) {
                return ctx.results()
                        .invalid(
                                List.of(Violation.of(
                                        "/" + CostGuard.CONFIRM_ARG,
                                        "cost_confirmation",
                                        unconfirmed.problem(),
                                        unconfirmed.allowed())),
                                context(call));
            }
            if (verdict instanceof CostGuard.Confirmed confirmed
                    && confirmed.idempotencyKey() != null
                    && idempotencyKey == null) {
                idempotencyKey = confirmed.idempotencyKey();
            }
        }
        SubmitResult submitted = ctx.jobs()
                .submit(new SubmitCommand(
                        endpoint, normalized.input(), call.text("webhook_url"), dryRun, idempotencyKey));
        return dryRun
                ? dryRunResult(endpoint, normalized, submitted.estimate())
                : submittedResult(call, endpoint, normalized, submitted);
    }

    /** The model's input: every argument but the options, with other providers' names renamed (and a warning). */
    private static Normalized normalize(ToolCall call, FalEndpoint endpoint) {
        ObjectNode input = call.args().deepCopy();
        GenerateSchema.OPTIONS.forEach(input::remove);
        return InputNormalizer.normalize(input, GenerateSchema.fieldsOf(endpoint));
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
            ToolCall call, FalEndpoint endpoint, Normalized normalized, SubmitResult submitted) {
        JobView job = awaitWithProgress(call, submitted.job(), call.number("wait_seconds"));
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

    /** fal calls the webhook itself: only an absolute http(s) URL can work. */
    private static List<Violation> webhookProblems(String url) {
        if (url == null) {
            return List.of();
        }
        try {
            URI uri = new URI(url);
            if (uri.getHost() != null
                    && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                return List.of();
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        return List.of(Violation.of(
                "/webhook_url",
                "url_parsing",
                "not an absolute http(s) URL: " + url,
                "an absolute http(s) URL such as https://example.com/fal-webhook"));
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
