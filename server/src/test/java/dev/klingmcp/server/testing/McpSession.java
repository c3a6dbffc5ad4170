package dev.klingmcp.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.server.config.ToolSchemaProfile;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.mcp.KlingMcpServer;
import dev.klingmcp.server.transport.StdioTransportProvider;
import dev.klingmcp.testing.mcp.JsonRpcSession;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real {@link KlingMcpServer} on in-memory pipes through our stdio transport, driven by test-support's raw
 * {@link JsonRpcSession}: the tests see exactly the messages an MCP client sees (notifications included).
 */
public final class McpSession implements AutoCloseable {

    private final KlingMcpServer server;

    private final JsonRpcSession rpc;

    public McpSession(JobService jobs, UnaryOperator<String> redactor) {
        this(jobs, redactor, ToolSchemaProfile.PORTABLE);
    }

    /** As {@link #McpSession(JobService, UnaryOperator)}, publishing the schemas of {@code profile}. */
    public McpSession(JobService jobs, UnaryOperator<String> redactor, ToolSchemaProfile profile) {
        Pipe in = new Pipe();
        Pipe out = new Pipe();
        StdioTransportProvider transport = new StdioTransportProvider(
                McpJsonDefaults.getMapper(),
                in.source(),
                out.sink(),
                StdioTransportProvider.DEFAULT_MAX_LINE_BYTES,
                Duration.ofSeconds(10));
        this.server = KlingMcpServer.start(transport, jobs, redactor, "test", profile);
        this.rpc = new JsonRpcSession(out.source(), in.sink(), Duration.ofSeconds(20));
        rpc.initialize("test");
    }

    public KlingMcpServer server() {
        return server;
    }

    /** Sends a request and returns its response, keeping the notifications that came before it. */
    public JsonNode request(String method, JsonNode params) {
        return rpc.request(method, params);
    }

    /** {@code tools/call}; returns the {@code result} (a CallToolResult). */
    public JsonNode callTool(String name, JsonNode arguments, Object progressToken) {
        return rpc.callTool(name, arguments, progressToken);
    }

    public void notify(String method, JsonNode params) {
        rpc.notify(method, params);
    }

    /** Waits (bounded) for the next notification with this method that arrives, outside any request. */
    public JsonNode awaitNotification(String method, Duration timeout) {
        return rpc.awaitNotification(method, timeout);
    }

    /** Notifications received so far with this method, and forgets them. */
    public List<JsonNode> drain(String method) {
        return rpc.drain(method);
    }

    @Override
    public void close() {
        server.close();
        rpc.close();
    }
}
