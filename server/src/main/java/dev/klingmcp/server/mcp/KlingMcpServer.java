package dev.klingmcp.server.mcp;

import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.config.HttpSettings;
import dev.klingmcp.server.config.ToolSchemaProfile;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.tenancy.ScopedJobService;
import dev.klingmcp.server.tools.KlingTools;
import dev.klingmcp.server.tools.OutputSchemas;
import dev.klingmcp.server.tools.ToolContext;
import dev.klingmcp.server.tools.ToolResults;
import dev.klingmcp.server.transport.StdioTransportProvider;
import dev.klingmcp.server.transport.StreamableHttpServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Assembles the MCP server: the seven tools, the job resource template, the reference-scene prompt and completions, on
 * stdio (our transport, also over in-memory pipes in tests) or Streamable HTTP.
 */
public final class KlingMcpServer implements AutoCloseable {

    public static final String NAME = "kling-mcp";

    static final String INSTRUCTIONS = "Makes videos with fal.ai's Kling O3 models (paid per second of video). Flow: "
            + "describe_models -> generate (dry_run: true first to show the price) -> status(job_id, wait_seconds: 50) until "
            + "SUCCEEDED -> result(job_id, download: true). Jobs are recorded locally and survive restarts: use list_jobs "
            + "to find one again instead of generating twice. Upload local files with upload. Bad input is returned as "
            + "isError with each problem's path; nothing is charged for it.";

    private final McpSyncServer server;

    private final JobWatcher watcher;

    private KlingMcpServer(McpSyncServer server, JobWatcher watcher) {
        this.server = server;
        this.watcher = watcher;
    }

    /**
     * The server on stdio. Our stdio transport shows the client's inbound messages, so subscriptions are seen and a job
     * resource is followed only while subscribed.
     *
     * @param transport where JSON-RPC flows
     * @param jobs      the job service (owned by the caller)
     * @param redactor  scrubs the fal key from any text a client could see
     * @param version   reported in serverInfo
     */
    public static KlingMcpServer start(
            StdioTransportProvider transport, JobService jobs, UnaryOperator<String> redactor, String version) {
        return start(transport, jobs, redactor, version, ToolSchemaProfile.PORTABLE);
    }

    /** As {@link #start(StdioTransportProvider, JobService, UnaryOperator, String)}, publishing {@code profile}. */
    public static KlingMcpServer start(
            StdioTransportProvider transport,
            JobService jobs,
            UnaryOperator<String> redactor,
            String version,
            ToolSchemaProfile profile) {
        JobWatcher watcher = new JobWatcher(jobs);
        KlingMcpServer server = build(
                McpServer.sync(transport),
                jobs,
                HttpSettings.Limits.none(),
                null,
                watcher,
                redactor,
                version,
                false,
                profile);
        transport.observeInbound(watcher::onClientMessage);
        return server;
    }

    /** The server on Streamable HTTP (sessions, SSE); subscriptions are not visible there, so reads start following. */
    public static KlingMcpServer start(
            McpStreamableServerTransportProvider transport,
            JobService jobs,
            UnaryOperator<String> redactor,
            String version) {
        return build(
                McpServer.sync(transport),
                jobs,
                HttpSettings.Limits.none(),
                null,
                new JobWatcher(jobs),
                redactor,
                version,
                true,
                ToolSchemaProfile.PORTABLE);
    }

    /**
     * The server on {@code serve --http}: Streamable HTTP behind the front filter, which shows us every authorized message,
     * so {@code resources/subscribe} alone starts following a job (no prior read needed).
     */
    public static KlingMcpServer start(
            StreamableHttpServer http, JobService jobs, UnaryOperator<String> redactor, String version) {
        return start(http, jobs, redactor, version, ToolSchemaProfile.PORTABLE);
    }

    /** As {@link #start(StreamableHttpServer, JobService, UnaryOperator, String)}, publishing {@code profile}. */
    public static KlingMcpServer start(
            StreamableHttpServer http,
            JobService jobs,
            UnaryOperator<String> redactor,
            String version,
            ToolSchemaProfile profile) {
        JobWatcher watcher = new JobWatcher(jobs);
        KlingMcpServer server = build(
                McpServer.sync(http.transport()),
                jobs,
                http.settings().limits(),
                http.falWebhookUrl(),
                watcher,
                redactor,
                version,
                true,
                profile);
        // Only one's own jobs are followed for a subscription; anyone else's id is ignored like an unknown one.
        http.observeInbound((principal, message) -> watcher.onSubscription(
                message.path("method").asText(null),
                message.path("params").path("uri").asText(null),
                jobId -> jobs.ownedBy(jobId, principal == null ? null : principal.subject())));
        return server;
    }

    private static KlingMcpServer build(
            McpServer.SyncSpecification<?> spec,
            JobService allJobs,
            HttpSettings.Limits limits,
            String ownWebhookUrl,
            JobWatcher watcher,
            UnaryOperator<String> redactor,
            String version,
            boolean followOnRead,
            ToolSchemaProfile profile) {
        FalEndpoints registry = FalEndpoints.load();
        // What MCP handlers see: the caller's own jobs when a principal is in scope (authorized HTTP), else all of
        // them.
        JobService jobs = new ScopedJobService(allJobs, limits, Clock.systemUTC(), ownWebhookUrl);
        ToolContext ctx = new ToolContext(
                jobs, registry, new ToolResults(redactor), new OutputSchemas(registry), watcher, profile);
        McpSyncServer server = spec.serverInfo(NAME, version)
                .instructions(INSTRUCTIONS)
                .capabilities(ServerCapabilities.builder()
                        .tools(false)
                        .resources(true, false)
                        .prompts(false)
                        .completions()
                        .logging()
                        .build())
                // Our validation reports every problem as {path, problem, allowed} and knows the cross-field rules and
                // aliases; the SDK's would refuse aliases and speak networknt's language.
                .validateToolInputs(false)
                // The SDK would check our constant tool schemas against the meta-schema at every start; a test does it
                // per build.
                .jsonSchemaValidator(new PrecheckedSchemaValidator())
                // Only server->client requests (none today) are bounded by this; a human answering an elicitation needs
                // time.
                .requestTimeout(Duration.ofMinutes(5))
                .tools(KlingTools.specifications(ctx))
                .resourceTemplates(JobResources.template(jobs, followOnRead ? watcher::watch : id -> {}))
                .prompts(ReferenceScenePrompt.specification(registry))
                .completions(Completions.specifications(jobs, registry))
                .build();
        watcher.attach(server);
        return new KlingMcpServer(server, watcher);
    }

    public McpSyncServer server() {
        return server;
    }

    public JobWatcher watcher() {
        return watcher;
    }

    @Override
    public void close() {
        watcher.close();
        server.closeGracefully();
    }
}
