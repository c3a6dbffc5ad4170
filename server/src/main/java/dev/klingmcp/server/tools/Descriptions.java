package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.server.jobs.CostEstimate;
import java.util.Locale;

/**
 * Tool descriptions an agent can act on: cost, time, and what to call next. Prices and run times are computed from the
 * registry and the configured price table, never typed here, so they follow a price file.
 */
final class Descriptions {

    private Descriptions() {}

    static String generate(ToolContext ctx) {
        StringBuilder prices = new StringBuilder();
        for (FalEndpoint e : ctx.registry().all()) {
            CostEstimate off = price(ctx, e, 5, false);
            CostEstimate on = price(ctx, e, 5, true);
            prices.append(e.shortName()).append(' ').append(rate(off.usdPerSecond()));
            if (on.usdPerSecond() != off.usdPerSecond()) {
                prices.append(" (").append(rate(on.usdPerSecond())).append(" with generate_audio)");
            }
            prices.append(", 5 s ≈ ").append(GenerateTool.usd(off.usd())).append("; ");
        }
        return "COST WARNING: every call without dry_run starts a PAID fal.ai Kling O3 video job, billed per second of video: "
                + prices.toString().trim()
                + " Only generate when the user asked for a video; use dry_run: true to validate "
                + "and show the price first.\n"
                + "Submits ONE job and returns its job_id at once. A video takes " + runTimes(ctx)
                + " (queue + render). MCP clients usually cut tool calls at 60 s, so keep wait_seconds <= 50, then call "
                + "status(job_id, wait_seconds: 50) until SUCCEEDED, then result(job_id, download: true). Never call "
                + "generate again to check on a job: that pays twice.\n"
                + "Model fields go at top level exactly as fal names them (describe_models lists each model's fields, limits and "
                + "examples): exactly one of prompt / multi_prompt; duration \"3\"..\"15\"; reference models take elements "
                + "(@Element1..) and image_urls (@Image1..); standard image-to-video needs image_url. Local files: upload first. "
                + "Bad input comes back as isError with every problem as {path, problem, allowed}; nothing is sent or charged.";
    }

    /** "~2 min (o3/standard/image-to-video, 5 s) to ~20 min (o3/4k/reference-to-video, 15 s)". */
    static String runTimes(ToolContext ctx) {
        FalEndpoint fastest = null;
        FalEndpoint slowest = null;
        for (FalEndpoint e : ctx.registry().all()) {
            if (fastest == null || total(e, 5) < total(fastest, 5)) {
                fastest = e;
            }
            if (slowest == null || total(e, 15) > total(slowest, 15)) {
                slowest = e;
            }
        }
        if (fastest == null) {
            return "minutes";
        }
        return "about " + minutes(total(fastest, 5)) + " (" + fastest.shortName() + ", 5 s) to "
                + minutes(total(slowest, 15)) + " (" + slowest.shortName() + ", 15 s)";
    }

    static double total(FalEndpoint e, int seconds) {
        return e.timing().queueSeconds() + e.timing().runSeconds(seconds);
    }

    static String minutes(double seconds) {
        return seconds < 90 ? Math.round(seconds) + " s" : Math.round(seconds / 60.0) + " min";
    }

    static CostEstimate price(ToolContext ctx, FalEndpoint e, int seconds, boolean audio) {
        ObjectNode input =
                ToolJson.object().put("duration", Integer.toString(seconds)).put("generate_audio", audio);
        return ctx.jobs().estimate(e, input);
    }

    private static String rate(double usdPerSecond) {
        return String.format(Locale.ROOT, "$%.3f/s", usdPerSecond);
    }
}
