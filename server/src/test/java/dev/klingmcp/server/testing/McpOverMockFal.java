package dev.klingmcp.server.testing;

import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.fal.impl.HttpFalGateway;
import dev.klingmcp.server.jobs.impl.DefaultJobService;
import dev.klingmcp.server.ledger.JdbcJobLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The whole server path in one JVM, for tests that drive it through MCP: an embedded mock-fal on a manual clock that
 * accepts one key, the real job service over a SQLite ledger and fal gateway, and an MCP session on top whose answers
 * have the key masked. Everything lives in {@code dir}: {@code mock-storage/}, {@code uploads/} (the one upload root),
 * {@code videos/}, {@code jobs.db}.
 */
public final class McpOverMockFal implements AutoCloseable {

    public final MockFal mock;
    public final ServerConfig config;
    public final DefaultJobService jobs;
    public final McpSession mcp;

    /**
     * @param settings settings by their keys as in the properties file (e.g. {@code timeout.tool-call-seconds})
     * @param retry    the retry policy for fal calls (tests keep it short, or long on purpose)
     */
    public McpOverMockFal(Path dir, String key, Map<String, String> settings, ServerConfig.Retry retry)
            throws Exception {
        mock = MockFal.start(new MockFalOptions()
                .setManualClock(true)
                .setLogRequests(false)
                .setStorageDir(Files.createDirectories(dir.resolve("mock-storage")))
                .addApiKey(key));
        Path uploads = Files.createDirectories(dir.resolve("uploads"));
        config = MockFalConfig.in(dir, mock.baseUrl(), key, settings)
                .withUploadRoots(List.of(uploads))
                .withRetry(retry);
        jobs = new DefaultJobService(
                config,
                JdbcJobLedger.open(config.ledgerUrl(), Clock.systemUTC()),
                new HttpFalGateway(config),
                FalEndpoints.load(),
                Clock.systemUTC());
        mcp = new McpSession(jobs, text -> text.replace(key, "***"));
    }

    @Override
    public void close() {
        mcp.close();
        jobs.close();
        mock.close();
    }
}
