package dev.klingmcp.server.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.tenancy.CallerScope;
import dev.klingmcp.server.tools.JobJson;
import dev.klingmcp.server.tools.NextStep;
import dev.klingmcp.server.tools.ToolJson;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.util.List;
import java.util.function.Consumer;

/**
 * The resource template {@code kling://jobs/{job_id}}: reading it returns the job as JSON (the same {@code Job} shape
 * the tools use) from the ledger, without calling fal. Subscribing gets {@code notifications/resources/updated} while
 * the job runs (see {@link JobWatcher}).
 */
public final class JobResources {

    public static final String TEMPLATE = JobJson.RESOURCE_PREFIX + "{job_id}";

    private JobResources() {}

    /**
     * The job resource template, read from the job service.
     *
     * @param runningRead told the id when a job still running is read (transports that can't show us subscriptions
     *                    follow the job from then on, so a subscriber that read it first gets updates)
     */
    public static SyncResourceTemplateSpecification template(JobService jobs, Consumer<String> runningRead) {
        ResourceTemplate template = ResourceTemplate.builder(TEMPLATE, "kling-job")
                .title("Kling video job")
                .description("One generation job as JSON: status, queue position, logs, estimate, video, local path. "
                        + "Subscribe to get updates while it runs.")
                .mimeType("application/json")
                .build();
        return new SyncResourceTemplateSpecification(template, (exchange, request) -> {
            String uri = request.uri();
            String jobId =
                    uri.startsWith(JobJson.RESOURCE_PREFIX) ? uri.substring(JobJson.RESOURCE_PREFIX.length()) : "";
            JobView job = jobId.isEmpty()
                    ? null
                    : CallerScope.run(exchange, () -> jobs.find(jobId)).orElse(null);
            if (job == null) {
                throw McpError.RESOURCE_NOT_FOUND.apply(uri);
            }
            if (!job.state().isTerminal()) {
                runningRead.accept(job.jobId());
            }
            ObjectNode body = JobJson.job(job);
            body.put("next_step", NextStep.forJob(job));
            return ReadResourceResult.builder(List.of(TextResourceContents.builder(uri, ToolJson.compact(body))
                            .mimeType("application/json")
                            .build()))
                    .build();
        });
    }
}
