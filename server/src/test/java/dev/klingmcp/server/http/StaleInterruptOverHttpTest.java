package dev.klingmcp.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.klingmcp.server.testing.HttpTestClient;
import dev.klingmcp.server.transport.StreamableHttpServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SDK writes each answer on the worker thread that ran the handler, and Reactor can leave that thread's interrupt
 * flag set. Tomcat's NIO channel refuses writes from an interrupted thread, which used to cut the answer mid-body (the
 * client saw "chunked transfer encoding" errors instead of "Resource not found"). Here every handler leaves the flag set
 * on purpose: every answer must still arrive whole, error answers included, and the session must stay usable.
 */
@Timeout(180)
class StaleInterruptOverHttpTest {

    private StreamableHttpServer http;

    private McpSyncServer server;

    private McpSyncClient client;

    @BeforeEach
    void start() {
        http = StreamableHttpServer.create(0);
        ResourceTemplate template = ResourceTemplate.builder("test://things/{id}", "thing")
                .mimeType("application/json")
                .build();
        SyncResourceTemplateSpecification missing = new SyncResourceTemplateSpecification(template, (ex, request) -> {
            Thread.currentThread().interrupt();
            throw McpError.RESOURCE_NOT_FOUND.apply(request.uri());
        });
        SyncToolSpecification echo = SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder("echo", Map.of("type", "object", "properties", Map.of()))
                        .build())
                .callHandler((ex, request) -> {
                    Thread.currentThread().interrupt();
                    return CallToolResult.builder().addTextContent("ok").build();
                })
                .build();
        server = McpServer.sync(http.transport())
                .serverInfo("stale-interrupt", "1")
                .capabilities(McpSchema.ServerCapabilities.builder()
                        .resources(false, false)
                        .tools(false)
                        .build())
                .resourceTemplates(missing)
                .tools(echo)
                .build();
        http.start();
        client = HttpTestClient.mcpClient(http.port(), null)
                .requestTimeout(Duration.ofMinutes(1))
                .build();
        client.initialize();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.closeGracefully();
        }
        if (server != null) {
            server.closeGracefully();
        }
        http.close();
    }

    @Test
    void answersWrittenFromAnInterruptedWorkerArriveWhole() {
        for (int i = 0; i < Integer.getInteger("stale.rounds", 20); i++) {
            String uri = "test://things/missing-" + i;
            assertThatThrownBy(() ->
                            client.readResource(ReadResourceRequest.builder(uri).build()))
                    .as("read %d", i)
                    .isInstanceOf(McpError.class)
                    .hasMessageContaining("not found");
            CallToolResult result = client.callTool(
                    CallToolRequest.builder("echo").arguments(Map.of()).build());
            assertThat(((TextContent) result.content().get(0)).text())
                    .as("call %d", i)
                    .isEqualTo("ok");
        }
    }
}
