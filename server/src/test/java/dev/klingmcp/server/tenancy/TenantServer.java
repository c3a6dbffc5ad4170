package dev.klingmcp.server.tenancy;

import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.server.auth.Authenticator;
import dev.klingmcp.server.config.HttpSettings;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.jobs.impl.DefaultJobService;
import dev.klingmcp.server.mcp.KlingMcpServer;
import dev.klingmcp.server.testing.HttpTestClient;
import dev.klingmcp.server.testing.MockFalConfig;
import dev.klingmcp.server.transport.StreamableHttpServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole HTTP stack for tenancy tests: embedded mock-fal, the real job service over a SQLite ledger, the HTTP front
 * with a static token file (alice, bob: read + generate; reader: read only), and MCP clients per token.
 */
final class TenantServer implements AutoCloseable {

    static final String KEY = "tenant-test-id:tenant-test-secret";

    private final MockFal mock;

    private final DefaultJobService jobs;

    private final StreamableHttpServer http;

    private final KlingMcpServer server;

    private final List<McpSyncClient> clients = new ArrayList<>();

    TenantServer(Path dir, double mockSpeed, HttpSettings.Limits limits) throws Exception {
        mock = MockFal.start(new MockFalOptions()
                .setSpeed(mockSpeed)
                .setLogRequests(false)
                .setStorageDir(Files.createDirectories(dir.resolve("mock-storage")))
                .addApiKey(KEY));
        ServerConfig config = MockFalConfig.in(dir, mock.baseUrl(), KEY);
        jobs = DefaultJobService.open(config);
        Path tokens = dir.resolve("tokens");
        Files.writeString(
                tokens,
                "alice-token alice video:read,video:generate\nbob-token bob video:read,video:generate\n"
                        + "reader-token reader video:read\n");
        HttpSettings.Auth auth = new HttpSettings.Auth(null, null, null, tokens);
        HttpSettings settings = HttpSettings.loopback().withAuth(auth).withLimits(limits);
        http = StreamableHttpServer.create(0, settings, Authenticator.from(auth));
        server = KlingMcpServer.start(http, jobs, config.falKey()::redact, "test");
        http.start();
    }

    McpSyncClient client(String token) {
        McpSyncClient client = HttpTestClient.mcpClient(http.port(), token)
                .requestTimeout(Duration.ofSeconds(30))
                .build();
        client.initialize();
        clients.add(client);
        return client;
    }

    /** Raw HTTP requests to the MCP endpoint (the stateless 2026-07-28 lane needs no client session). */
    HttpTestClient raw() {
        return new HttpTestClient(http.port());
    }

    static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
        return client.callTool(CallToolRequest.builder(tool).arguments(args).build());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> structured(CallToolResult r) {
        return (Map<String, Object>) r.structuredContent();
    }

    @Override
    public void close() {
        clients.forEach(McpSyncClient::closeGracefully);
        server.close();
        http.close();
        jobs.close();
        mock.close();
    }
}
