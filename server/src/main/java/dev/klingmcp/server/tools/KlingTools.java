package dev.klingmcp.server.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.budget.InputRequiredException;
import dev.klingmcp.server.budget.RequestStateException;
import dev.klingmcp.server.fal.CallDeadline;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.requests.InFlightCalls;
import dev.klingmcp.server.tenancy.CallerScope;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seven tools, in the order an agent uses them, each guarded so that no exception escapes as a JSON-RPC error and
 * no call answers later than its deadline.
 */
public final class KlingTools {

    private static final Logger log = LoggerFactory.getLogger(KlingTools.class);

    private static final AtomicInteger THREADS = new AtomicInteger();

    /**
     * Runs the calls, so that the transport's thread can answer at the deadline while the call's work (a slow fal
     * answer, a download) finishes on its own. Daemon threads: a call still running must not keep the process alive.
     */
    private static final ExecutorService CALLS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kling-tool-call-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private KlingTools() {}

    public static List<KlingTool> create(ToolContext ctx) {
        return List.of(
                new DescribeModelsTool(ctx),
                new GenerateTool(ctx),
                new StatusTool(ctx),
                new ResultTool(ctx),
                new CancelTool(ctx),
                new ListJobsTool(ctx),
                new UploadTool(ctx));
    }

    public static List<SyncToolSpecification> specifications(ToolContext ctx) {
        return create(ctx).stream().map(t -> guarded(t, ctx)).toList();
    }

    // "try": the attached call is only ever closed; being open is its whole job (it is found by the cancel notice).
    @SuppressWarnings("try")
    static SyncToolSpecification guarded(KlingTool t, ToolContext ctx) {
        return SyncToolSpecification.builder()
                .tool(t.tool())
                .callHandler((exchange, request) -> {
                    Duration budget = ctx.jobs().toolCallDeadline();
                    if (t.answersInline(request)) {
                        try {
                            return CallDeadline.inline(budget)
                                    .run(() -> safely(
                                            t, ctx, () -> CallerScope.run(exchange, () -> t.call(exchange, request))));
                        } catch (CallDeadline.WouldBlock e) {
                            // Nothing was asked or written yet: the call runs again below, on a call thread.
                        }
                    }
                    CallDeadline deadline = CallDeadline.after(budget);
                    Future<CallToolResult> call = CALLS.submit(() -> {
                        // Reachable by the client's notifications/cancelled for as long as the work runs.
                        try (AutoCloseable cancellable = InFlightCalls.attach(request.meta(), deadline)) {
                            return deadline.run(() -> safely(
                                    t,
                                    ctx,
                                    // The job service sees the caller's principal (its own jobs only) through this
                                    // scope, on the thread that does the work.
                                    () -> CallerScope.run(exchange, () -> t.call(exchange, request))));
                        } finally {
                            if (deadline.isCancelled()) {
                                log.info(
                                        "{} cancelled by the client: the call ended {} ms after the cancel",
                                        t.tool().name(),
                                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deadline.cancelledAtNanos()));
                            }
                        }
                    });
                    try {
                        return call.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
                    } catch (TimeoutException late) {
                        // Not cancelled: an interrupt would break a ledger write or a download half way.
                        return CallerScope.run(exchange, () -> overDeadline(t, ctx, request, deadline, budget));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return ctx.results()
                                .failure(ToolResults.Code.internal_error, "the server is shutting down", null);
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof InputRequiredException
                                || e.getCause() instanceof RequestStateException) {
                            // Protocol answers (input_required, a refused requestState), not tool failures.
                            throw (RuntimeException) e.getCause();
                        }
                        return internalError(t, ctx, e.getCause());
                    }
                })
                .build();
    }

    private static CallToolResult safely(KlingTool t, ToolContext ctx, java.util.function.Supplier<CallToolResult> c) {
        try {
            return c.get();
        } catch (InputRequiredException | RequestStateException | CallDeadline.WouldBlock e) {
            throw e;
        } catch (RuntimeException e) {
            return internalError(t, ctx, e);
        }
    }

    private static CallToolResult internalError(KlingTool t, ToolContext ctx, Throwable e) {
        log.error("Tool {} failed", t.tool().name(), e);
        return ctx.results()
                .failure(
                        ToolResults.Code.internal_error,
                        "internal error in " + t.tool().name() + ": " + e,
                        null);
    }

    /**
     * The answer of a call cut by its deadline: the job's last known state from the ledger (no network: the deadline
     * has passed) and what to call next. The work goes on in the background.
     */
    static CallToolResult overDeadline(
            KlingTool t, ToolContext ctx, CallToolRequest request, CallDeadline deadline, Duration budget) {
        String name = t.tool().name();
        String jobId = deadline.jobId();
        if (jobId == null
                && request.arguments() != null
                && request.arguments().get("job_id") instanceof String s
                && s.length() <= ToolSchemas.MAX_NAME_LENGTH) {
            jobId = s;
        }
        Optional<JobView> job = Optional.empty();
        if (jobId != null) {
            String id = jobId;
            try {
                job = ctx.jobs().find(id);
            } catch (RuntimeException e) {
                log.warn("last known state of {} unavailable: {}", id, e.toString());
            }
        }
        ObjectNode out = ToolJson.object();
        String message = name + " did not finish within the " + budget.toSeconds()
                + " s this server gives one call (fal is slow or unreachable); it goes on in the background.";
        String next;
        if (job.isPresent()) {
            JobView j = job.get();
            out.put("job_id", j.jobId());
            out.put("status", j.state().name());
            out.set("job", JobJson.job(j));
            next = NextStep.forJob(j);
            message += " Last known state of " + j.jobId() + ": " + j.state() + ".";
        } else {
            if (jobId != null) {
                out.put("job_id", jobId);
            }
            next = name.equals(UploadTool.NAME)
                    ? "Call upload again in a minute; if fal's storage is down, try later."
                    : "Call " + name + " again in a minute.";
        }
        out.put("next_step", next);
        ObjectNode error = ToolResults.errorNode(ToolResults.Code.timed_out, message);
        error.put("retryable", true);
        error.put("deadline_seconds", budget.toSeconds());
        out.set("error", error);
        return ctx.results().error(out, message + "\nNext: " + next);
    }
}
