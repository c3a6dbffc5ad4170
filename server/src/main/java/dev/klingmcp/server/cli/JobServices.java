package dev.klingmcp.server.cli;

import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.config.FollowSettings;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.jobs.impl.DefaultJobService;
import dev.klingmcp.server.jobs.impl.DeferredJobService;
import dev.klingmcp.server.jobs.impl.FalKeyRequiredJobService;
import dev.klingmcp.server.jobs.impl.PriceTable;
import java.time.Duration;

/** The one place the CLI names the production {@link JobService} (ledger + fal gateway). */
final class JobServices {

    /**
     * How long a tool call waits for the ledger to open. Opening takes well under a second; SQLite's busy timeout (10 s) is
     * the slowest legitimate case, and MCP clients cut tool calls at about 60 s.
     */
    static final Duration OPEN_WAIT = Duration.ofSeconds(30);

    private JobServices() {}

    /**
     * Returns at once: the ledger, the HTTP client and the generated fal client open on a background thread while the MCP
     * server answers {@code initialize} and {@code tools/list}. The price table is loaded here, so a bad price file still
     * stops the server at start, as before.
     *
     * @param follow the background follower of unfinished jobs
     * @param first runs first on the opening thread (start-up work that need not delay the MCP client, e.g. slow log lines)
     */
    static JobService open(ServerConfig config, FollowSettings follow, Runnable first) {
        PriceTable prices = PriceTable.load(FalEndpoints.load(), config.priceFile());
        return new FalKeyRequiredJobService(
                DeferredJobService.openInBackground(
                        () -> {
                            first.run();
                            return DefaultJobService.open(config).startFollowing(follow);
                        },
                        prices,
                        OPEN_WAIT,
                        config.timeouts().toolCall()),
                config.falKey().isPresent());
    }
}
