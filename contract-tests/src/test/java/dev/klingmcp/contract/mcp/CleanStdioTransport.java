package dev.klingmcp.contract.mcp;

import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.nio.file.Path;

/**
 * The SDK's stdio transport spawning a server in a chosen working directory, with the test machine's own fal and
 * kling-mcp settings removed from the inherited environment (a real key must never reach a test server).
 */
final class CleanStdioTransport extends StdioClientTransport {

    private final Path workDir;

    CleanStdioTransport(ServerParameters parameters, Path workDir) {
        super(parameters, McpJsonDefaults.getMapper());
        this.workDir = workDir;
    }

    @Override
    protected ProcessBuilder getProcessBuilder() {
        ProcessBuilder builder = new ProcessBuilder();
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("FAL_") || k.startsWith("KLING_MCP_") || k.startsWith("XDG_"));
        return builder;
    }
}
