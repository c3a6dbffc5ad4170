package dev.klingmcp.server.cli;

import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.jobs.impl.DefaultJobService;

/** The one place the CLI names the production {@link JobService} (SQLite ledger + fal gateway). */
final class JobServices {

    private JobServices() {
    }

    static JobService open(ServerConfig config) {
        return DefaultJobService.open(config);
    }

}
