package dev.klingmcp.server.tools;

/**
 * What the tools tell the MCP layer about jobs, so resource subscribers hear about changes. Implemented by
 * {@code dev.klingmcp.server.mcp.JobWatcher}; {@link #NONE} for tests and tools used without a server.
 */
public interface JobEvents {

    JobEvents NONE = new JobEvents() {
        @Override
        public void changed(String jobId) {
        }

        @Override
        public void watch(String jobId) {
        }
    };

    /** The job's state, position or logs changed just now. */
    void changed(String jobId);

    /** Keep following this job in the background until it finishes (idempotent). */
    void watch(String jobId);

}
