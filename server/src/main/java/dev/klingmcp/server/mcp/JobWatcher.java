package dev.klingmcp.server.mcp;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.tools.JobEvents;
import dev.klingmcp.server.tools.JobJson;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema.ResourcesUpdatedNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code kling://jobs/{job_id}} subscribers informed: every job this server submits (or is asked about while it
 * runs) is followed on fal's status stream in the background until it finishes, and each event becomes a
 * {@code notifications/resources/updated} (the SDK sends it only to sessions subscribed to that URI). Following also
 * keeps the ledger current, so a client that never calls status still finds the final state there.
 *
 * <p>Bounded: at most {@link #MAX_WATCHERS} jobs are followed at once (daemon threads; the process never waits for
 * them); further jobs are simply not pushed, their state is still correct on read.
 */
public final class JobWatcher implements JobEvents, AutoCloseable {

    public static final int MAX_WATCHERS = 16;

    /** One await per round, below the SSE idle limits of proxies. */
    private static final Duration ROUND = Duration.ofSeconds(50);

    private static final Logger log = LoggerFactory.getLogger(JobWatcher.class);

    private final JobService jobs;

    private final Set<String> watching = ConcurrentHashMap.newKeySet();

    private final ExecutorService pool;

    private volatile McpSyncServer server;

    private volatile boolean closed;

    public JobWatcher(JobService jobs) {
        this.jobs = jobs;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(MAX_WATCHERS, r -> {
            Thread t = new Thread(r, "job-watcher-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The server to notify; set once it is built (the tools need this watcher before that). */
    public void attach(McpSyncServer server) {
        this.server = server;
    }

    @Override
    public void changed(String jobId) {
        McpSyncServer s = server;
        if (s == null || closed || jobId == null) {
            return;
        }
        try {
            s.notifyResourcesUpdated(new ResourcesUpdatedNotification(JobJson.resourceUri(jobId)));
        }
        catch (RuntimeException e) {
            log.debug("resource update for {} not sent: {}", jobId, e.toString());
        }
    }

    @Override
    public void watch(String jobId) {
        if (closed || jobId == null || watching.size() >= MAX_WATCHERS || !watching.add(jobId)) {
            return;
        }
        try {
            pool.execute(() -> follow(jobId));
        }
        catch (RejectedExecutionException e) {
            watching.remove(jobId);
        }
    }

    /** Jobs followed right now (for tests and diagnostics). */
    public Set<String> watching() {
        return Set.copyOf(watching);
    }

    private void follow(String jobId) {
        try {
            while (!closed) {
                JobView view = jobs.await(jobId, ROUND, update -> changed(jobId));
                if (view.state().isTerminal()) {
                    changed(jobId);
                    return;
                }
            }
        }
        catch (RuntimeException e) {
            log.debug("stopped following {}: {}", jobId, e.toString());
        }
        finally {
            watching.remove(jobId);
        }
    }

    @Override
    public void close() {
        closed = true;
        pool.shutdownNow();
    }

}
