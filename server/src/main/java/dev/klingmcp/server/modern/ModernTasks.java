package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.jobs.CancelView;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.tenancy.CallerScope;
import dev.klingmcp.server.tools.GenerateTool;
import dev.klingmcp.server.tools.ProgressReporter;
import dev.klingmcp.server.tools.ResultTool;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The tasks extension ({@code io.modelcontextprotocol/tasks}) on top of the job ledger. A task is a job: the task id
 * is the job id (fal's request id, a random UUID), so {@code tasks/get} works from any process that shares the ledger
 * and after a restart. A {@code generate} from a client that declares the extension answers with the task at once;
 * {@code tasks/get} maps the job's state (finished jobs carry exactly what the {@code result} tool returns) and
 * {@code tasks/cancel} asks fal to cancel.
 */
final class ModernTasks {

    /** Jobs take minutes; polling faster than this only costs status calls to fal. */
    static final long POLL_INTERVAL_MS = 5_000;

    private final JobService jobs;

    private final ModernCalls calls;

    private final UnaryOperator<String> redactor;

    ModernTasks(JobService jobs, ModernCalls calls, UnaryOperator<String> redactor) {
        this.jobs = jobs;
        this.calls = calls;
        this.redactor = redactor;
    }

    /** {@code tools/call}: a task handle for a paid {@code generate} when the client declared tasks, else the result. */
    ObjectNode callTool(ModernRequest request) {
        McpSyncServerExchange exchange = calls.exchange(request);
        ObjectNode result = calls.callTool(request, exchange);
        boolean taskable = request.declaresTasks()
                && GenerateTool.NAME.equals(request.params().path("name").asText())
                && !request.params().path("arguments").path("dry_run").asBoolean(false);
        if (!taskable || result.has("resultType") || result.path("isError").asBoolean(false)) {
            return result;
        }
        String jobId = result.path("structuredContent").path("job_id").asText(null);
        JobView job = jobId == null
                ? null
                : CallerScope.run(exchange, () -> jobs.find(jobId)).orElse(null);
        if (job == null) {
            return result;
        }
        ObjectNode task = CallerScope.run(exchange, () -> task(job, exchange));
        task.put("resultType", ModernProtocol.TASK);
        task.remove("result");
        return task;
    }

    ObjectNode get(ModernRequest request) {
        McpSyncServerExchange exchange = calls.exchange(request);
        // The caller's own jobs only (authorized HTTP): another principal's task is unknown.
        return CallerScope.run(exchange, () -> task(require(request), exchange));
    }

    ObjectNode update(ModernRequest request) {
        CallerScope.run(calls.exchange(request), () -> require(request));
        // No task of ours ever waits for input (cost confirmation happens before the task exists): nothing to apply.
        return ModernJson.object();
    }

    ObjectNode cancel(ModernRequest request) {
        return CallerScope.run(calls.exchange(request), () -> cancelInScope(request));
    }

    private ObjectNode cancelInScope(ModernRequest request) {
        String taskId = taskId(request);
        CancelView c;
        try {
            c = jobs.cancel(taskId);
        } catch (JobException e) {
            throw failure(e, taskId);
        }
        if (c.outcome() == CancelView.Outcome.NOT_FOUND) {
            throw unknown(taskId);
        }
        return ModernJson.object();
    }

    private JobView require(ModernRequest request) {
        String taskId = taskId(request);
        try {
            return jobs.status(taskId);
        } catch (JobException e) {
            throw failure(e, taskId);
        }
    }

    private static String taskId(ModernRequest request) {
        if (!request.declaresTasks()) {
            ObjectNode data = ModernJson.object();
            data.putObject("requiredCapabilities").putObject("extensions").putObject(ModernProtocol.TASKS_EXTENSION);
            throw new ModernError(
                    ModernProtocol.MISSING_REQUIRED_CLIENT_CAPABILITY,
                    request.method() + " needs the " + ModernProtocol.TASKS_EXTENSION
                            + " extension in this request's client capabilities",
                    data,
                    400);
        }
        JsonNode id = request.params().get("taskId");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw ModernError.invalidParams("params.taskId is required", null);
        }
        return id.asText();
    }

    private ModernError failure(JobException e, String taskId) {
        if (e.kind() == JobException.Kind.NOT_FOUND) {
            return unknown(taskId);
        }
        return new ModernError(
                ModernProtocol.INTERNAL_ERROR, redactor.apply(String.valueOf(e.getMessage())), null, 200);
    }

    private static ModernError unknown(String taskId) {
        return ModernError.invalidParams(
                "Unknown task: " + taskId, ModernJson.object().put("taskId", taskId));
    }

    private ObjectNode task(JobView job, McpSyncServerExchange exchange) {
        ObjectNode task = ModernJson.object().put("taskId", job.jobId());
        JobState state = job.state() == null ? JobState.UNKNOWN : job.state();
        String status =
                switch (state) {
                    case SUCCEEDED, FAILED -> "completed";
                    case CANCELLED -> "cancelled";
                    default -> "working";
                };
        task.put("status", status);
        task.put("statusMessage", redactor.apply(ProgressReporter.message(job)));
        task.put("createdAt", iso(job.createdAt()));
        task.put("lastUpdatedAt", iso(job.updatedAt() == null ? job.createdAt() : job.updatedAt()));
        task.putNull("ttlMs");
        task.put("pollIntervalMs", POLL_INTERVAL_MS);
        if ("completed".equals(status)) {
            CallToolRequest call = CallToolRequest.builder(ResultTool.NAME)
                    .arguments(Map.of("job_id", job.jobId()))
                    .build();
            task.set(
                    "result",
                    ModernJson.tree(calls.tool(ResultTool.NAME).callHandler().apply(exchange, call)));
        }
        return task;
    }

    private static String iso(Instant t) {
        return (t == null ? Instant.now() : t).toString();
    }
}
