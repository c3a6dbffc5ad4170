package dev.klingmcp.server.tools;

/**
 * What the tools tell the MCP layer about jobs, so {@code kling://jobs/{id}} subscribers hear about changes the tools
 * see while they wait. Implemented by {@code dev.klingmcp.server.mcp.JobWatcher}.
 */
@FunctionalInterface
public interface JobEvents {

    JobEvents NONE = jobId -> {};

    /** The job's state, position or logs changed just now. */
    void changed(String jobId);
}
