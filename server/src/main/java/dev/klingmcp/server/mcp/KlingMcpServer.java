package dev.klingmcp.server.mcp;

import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.budget.CostGuard;
import dev.klingmcp.server.config.HttpSettings;
import dev.klingmcp.server.config.ToolSchemaProfile;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.modern.ModernServer;
import dev.klingmcp.server.requests.UnknownTools;
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
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Assembles the MCP server: the seven tools, the job resource template, the reference-scene prompt and completions, on
 * any transport provider (stdio in production, in-memory pipes in tests).
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

    private final ServerFeatures features;

    private final ModernServer modern;

    private KlingMcpServer(McpSyncServer server, ServerFeatures features, ModernServer modern) {
        this.server = server;
        this.watcher = features.watcher();
        this.features = features;
        this.modern = modern;
    }

    /**
     * The server on stdio (or any single-session transport). A stdio connection whose first request is a stateless
     * (2026-07-28) one is served by the modern lane; an {@code initialize} gets the SDK.
     *
     * @param transport where JSON-RPC flows
     * @param jobs      the job service (owned by the caller)
     * @param redactor  scrubs the fal key from any text a client could see
     * @param version   reported in serverInfo
     */
    public static KlingMcpServer start(
            StdioTransportProvider transport, JobService jobs, UnaryOperator<String> redactor, String version) {
        return start(transport, jobs, redactor, version, ToolSchemaProfile.PORTABLE, CostGuard.none());
    }

    /** As {@link #start(StdioTransportProvider, JobService, UnaryOperator, String)} with a cost guard. */
    public static KlingMcpServer start(
            StdioTransportProvider transport,
            JobService jobs,
            UnaryOperator<String> redactor,
            String version,
            CostGuard guard) {
        return start(transport, jobs, redactor, version, ToolSchemaProfile.PORTABLE, guard);
    }

    /** As {@link #start(StdioTransportProvider, JobService, UnaryOperator, String)}, publishing {@code profile}. */
    public static KlingMcpServer start(
            StdioTransportProvider transport,
            JobService jobs,
            UnaryOperator<String> redactor,
            String version,
            ToolSchemaProfile profile) {
        return start(transport, jobs, redactor, version, profile, CostGuard.none());
    }

    /** As {@link #start(StdioTransportProvider, JobService, UnaryOperator, String)}, with a profile and a cost guard. */
    public static KlingMcpServer start(
            StdioTransportProvider transport,
            JobService jobs,
            UnaryOperator<String> redactor,
            String version,
            ToolSchemaProfile profile,
            CostGuard guard) {
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
                profile,
                guard);
        // Our stdio transport shows the client's inbound messages, so a job is followed only while subscribed.
        transport.observeInbound(watcher::onClientMessage);
        transport.refuseUnknownTools(server.unknownTools());
        transport.serveModern(server.modern);
        // Only now may lines reach the session: a front door's queued lines need the observers above.
        transport.ready();
        return server;
    }

    /** The server on Streamable HTTP (sessions, SSE); subscriptions are not visible there, so reads start following. */
    public static KlingMcpServer start(
            McpStreamableServerTransportProvider transport,
            JobService jobs,
            UnaryOperator<String> redactor,
            String version) {
        return start(transport, jobs, redactor, version, CostGuard.none());
    }

    /** As {@link #start(McpStreamableServerTransportProvider, JobService, UnaryOperator, String)} with a cost guard. */
    public static KlingMcpServer start(
            McpStreamableServerTransportProvider transport,
            JobService jobs,
            UnaryOperator<String> redactor,
            String version,
            CostGuard guard) {
        return build(
                McpServer.sync(transport),
                jobs,
                HttpSettings.Limits.none(),
                null,
                new JobWatcher(jobs),
                redactor,
                version,
                true,
                ToolSchemaProfile.PORTABLE,
                guard);
    }

    /**
     * The server on {@code serve --http}: Streamable HTTP behind the front filter, which shows us every authorized message,
     * so {@code resources/subscribe} alone starts following a job (no prior read needed).
     */
    public static KlingMcpServer start(
            StreamableHttpServer http, JobService jobs, UnaryOperator<String> redactor, String version) {
        return start(http, jobs, redactor, version, ToolSchemaProfile.PORTABLE, CostGuard.none());
    }

    /**
     * As {@link #start(StreamableHttpServer, JobService, UnaryOperator, String)} with a cost guard; stateless
     * (2026-07-28) requests on the same endpoint are served by the modern lane.
     */
    public static KlingMcpServer start(
            StreamableHttpServer http,
            JobService jobs,
            UnaryOperator<String> redactor,
            String version,
            ToolSchemaProfile profile) {
        return start(http, jobs, redactor, version, profile, CostGuard.none());
    }

    /** As {@link #start(StreamableHttpServer, JobService, UnaryOperator, String)} with a cost guard. */
    public static KlingMcpServer start(
            StreamableHttpServer http,
            JobService jobs,
            UnaryOperator<String> redactor,
            String version,
            CostGuard guard) {
        return start(http, jobs, redactor, version, ToolSchemaProfile.PORTABLE, guard);
    }

    /** As {@link #start(StreamableHttpServer, JobService, UnaryOperator, String)}, with a profile and a cost guard. */
    public static KlingMcpServer start(
            StreamableHttpServer http,
            JobService jobs,
            UnaryOperator<String> redactor,
            String version,
            ToolSchemaProfile profile,
            CostGuard guard) {
        JobWatcher watcher = new JobWatcher(jobs);
        KlingMcpServer server = build(
                // The servlet transport blocks the request thread until the answer is written anyway, so handlers run
                // on it rather than on a Reactor worker as well (each tool call still moves to its own thread to keep
                // its deadline).
                McpServer.sync(http.transport()).immediateExecution(true),
                jobs,
                http.settings().limits(),
                http.falWebhookUrl(),
                watcher,
                redactor,
                version,
                true,
                profile,
                guard);
        http.refuseUnknownTools(server.unknownTools());
        http.serveModern(server.modern);
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
            ToolSchemaProfile profile,
            CostGuard guard) {
        FalEndpoints registry = FalEndpoints.load();
        // What MCP handlers see: the caller's own jobs when a principal is in scope (authorized HTTP), else all of
        // them.
        JobService jobs = new ScopedJobService(allJobs, limits, Clock.systemUTC(), ownWebhookUrl);
        ToolContext ctx = new ToolContext(
                jobs, registry, new ToolResults(redactor), new OutputSchemas(registry), watcher, profile, guard);
        ServerFeatures features = new ServerFeatures(
                NAME,
                version,
                INSTRUCTIONS,
                KlingTools.specifications(ctx),
                List.of(JobResources.template(jobs, followOnRead ? watcher::watch : id -> {})),
                List.of(ReferenceScenePrompt.specification(registry)),
                Completions.specifications(jobs, registry),
                watcher);
        McpSyncServer server = spec.serverInfo(NAME, version)
                // Jackson as the SDK's default, but each tools/call's params become its request record directly.
                .jsonMapper(DirectRecordsJsonMapper.overSdkDefault())
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
                // Only server->client requests (the legacy cost confirmation) are bounded by this; a human answering an
                // elicitation needs time.
                .requestTimeout(Duration.ofMinutes(5))
                .tools(features.tools())
                .resourceTemplates(features.templates())
                .prompts(features.prompts())
                .completions(features.completions())
                .build();
        watcher.attach(server);
        return new KlingMcpServer(server, features, new ModernServer(features, jobs, redactor));
    }

    /** The refusal of calls to tools this server does not have, naming the ones it has. */
    private UnknownTools unknownTools() {
        return new UnknownTools(
                features.tools().stream().map(t -> t.tool().name()).toList());
    }

    public McpSyncServer server() {
        return server;
    }

    public JobWatcher watcher() {
        return watcher;
    }

    public ServerFeatures features() {
        return features;
    }

    /** The stateless (2026-07-28) lane over the same handlers, for transports that route modern requests to it. */
    public ModernServer modern() {
        return modern;
    }

    @Override
    public void close() {
        modern.close();
        watcher.close();
        server.closeGracefully();
    }
}
