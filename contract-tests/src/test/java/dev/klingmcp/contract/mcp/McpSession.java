package dev.klingmcp.contract.mcp;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ClientCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.SubscribeRequest;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real MCP client session (the SDK's sync client) with everything it sees recorded. Transport-neutral: a
 * {@link McpClientTransport} is all it needs, so an HTTP transport can reuse every test written against it.
 */
final class McpSession implements AutoCloseable {

    /** Longer than any {@code wait_seconds} a test asks for (≤ 50, per the tools' contract), shorter than JUnit's. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(70);

    private final McpSyncClient client;

    private final Recorder recorder;

    private List<Tool> tools;

    private McpSession(McpSyncClient client, Recorder recorder) {
        this.client = client;
        this.recorder = recorder;
    }

    /** Connects, runs {@code initialize} and asks for every log level so fal's log lines arrive as notifications. */
    static McpSession open(McpClientTransport transport, Recorder recorder) {
        McpSyncClient client = McpClient.sync(transport)
                .clientInfo(
                        Implementation.builder("kling-contract-tests", "1.0.0").build())
                .capabilities(ClientCapabilities.builder().build())
                .requestTimeout(REQUEST_TIMEOUT)
                .initializationTimeout(Duration.ofSeconds(60))
                .progressConsumer(recorder::progress)
                .loggingConsumer(recorder::log)
                .resourcesUpdateConsumer(recorder::resourcesUpdated)
                .build();
        McpSession session = new McpSession(client, recorder);
        try {
            recorder.seen(client.initialize());
            if (client.getServerCapabilities().logging() != null) {
                client.setLoggingLevel(LoggingLevel.DEBUG);
            }
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        return session;
    }

    ToolCall call(String tool, Map<String, Object> arguments) {
        return call(tool, arguments, null);
    }

    /** Calls a tool; with a {@code progressToken} the server may send progress notifications for this call. */
    ToolCall call(String tool, Map<String, Object> arguments, Object progressToken) {
        CallToolRequest.Builder request = CallToolRequest.builder(tool).arguments(arguments);
        if (progressToken != null) {
            request.progressToken(progressToken);
        }
        CallToolResult result = client.callTool(request.build());
        ToolCall call = ToolCall.of(tool, arguments, result);
        recorder.call(call);
        return call;
    }

    /** {@code tools/list}, fetched once per session. */
    synchronized List<Tool> tools() {
        if (tools == null) {
            var listed = client.listTools();
            recorder.seen(listed);
            tools = listed.tools();
        }
        return tools;
    }

    Tool tool(String name) {
        return tools().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the server lists no tool named " + name));
    }

    ReadResourceResult read(String uri) {
        ReadResourceResult result =
                client.readResource(ReadResourceRequest.builder(uri).build());
        recorder.seen(result);
        return result;
    }

    void subscribe(String uri) {
        client.subscribeResource(SubscribeRequest.builder(uri).build());
    }

    McpSyncClient client() {
        return client;
    }

    Recorder recorder() {
        return recorder;
    }

    @Override
    public void close() {
        client.closeGracefully();
    }
}
