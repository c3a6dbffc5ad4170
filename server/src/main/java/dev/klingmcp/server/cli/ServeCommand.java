package dev.klingmcp.server.cli;

import java.net.URI;
import java.util.concurrent.Callable;

import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.server.KlingMcp;
import dev.klingmcp.server.config.ConfigException;
import dev.klingmcp.server.config.FalKey;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.config.ServerConfigLoader;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.mcp.KlingMcpServer;
import dev.klingmcp.server.transport.StdioTransportProvider;
import io.modelcontextprotocol.json.McpJsonDefaults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code serve}: MCP over stdio until stdin closes. Requests already read when it closes are answered first; then the
 * ledger is closed and the process exits 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve MCP over stdio (the default). stdout carries only JSON-RPC; logs go to stderr.")
public final class ServeCommand implements Callable<Integer> {

    /** The key the embedded mock accepts when the environment has none (it is not a fal key). */
    static final String MOCK_KEY = "mock-key-id:mock-key-secret";

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @ParentCommand
    KlingMcpCommand parent;

    @Mixin
    ServeOptions options = new ServeOptions();

    public ServeCommand() {
    }

    ServeCommand(KlingMcpCommand parent, ServeOptions options) {
        this.parent = parent;
        this.options = options;
    }

    @Override
    public Integer call() {
        ServerConfig config;
        try {
            config = ServerConfigLoader.fromSystem().overrides(options.overrides()).load();
        }
        catch (ConfigException e) {
            System.err.println("kling-mcp: " + e.getMessage());
            return 2;
        }
        MockFal mock = null;
        if (options.mock) {
            FalKey key = config.falKey().isPresent() && config.isMock() ? config.falKey() : FalKey.of(MOCK_KEY);
            mock = MockFal.start(new MockFalOptions().setSpeed(options.mockSpeed).addApiKey(key.reveal()));
            config = config.withFalBaseUrl(URI.create(mock.baseUrl())).withFalKey(key);
            log.info("--mock: fal is an embedded mock at {} (speed x{})", mock.baseUrl(), options.mockSpeed);
        }
        else if (!config.falKey().isPresent()) {
            log.warn("FAL_KEY is not set: tools that call fal will fail (describe_models, dry runs and list_jobs work)");
        }
        log.info("kling-mcp {} serving MCP on stdio; {}", KlingMcp.version(), config);
        try (JobService jobs = JobServices.open(config)) {
            StdioTransportProvider transport = new StdioTransportProvider(McpJsonDefaults.getMapper(), System.in,
                    parent.protocolOut());
            KlingMcpServer server = KlingMcpServer.start(transport, jobs, config.falKey()::redact, KlingMcp.version());
            transport.terminated().join();
            log.info("stdin closed and in-flight requests answered; shutting down");
            server.close();
        }
        finally {
            if (mock != null) {
                mock.close();
            }
        }
        return 0;
    }

}
