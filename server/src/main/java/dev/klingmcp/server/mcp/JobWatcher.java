package dev.klingmcp.server.mcp;

import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.tools.JobEvents;
import dev.klingmcp.server.tools.JobJson;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ResourcesUpdatedNotification;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code kling://jobs/{job_id}} subscribers informed. A job a client subscribed to is followed in the background
 * until it finishes (or the client unsubscribes), and each change becomes a {@code notifications/resources/updated}
 * (the SDK sends it only to sessions subscribed to that URI). Changes the tools see while they wait are relayed too.
 *
 * <p>Following is the job service's ({@link JobService#follow}): the one follower per job that tool calls waiting on
 * it and the background follower share, with no thread here per job, a bounded number of status streams and a status
 * read per turn for the jobs beyond them. The thread pool below is only for a service that cannot follow on its own.
 *
 * <p>The SDK handles {@code resources/subscribe} itself and offers no hook, so the transport shows us the inbound
 * messages ({@link #onClientMessage}). Bounded whatever the number of subscriptions: {@link #MAX_WATCHERS} threads
 * share the followed jobs (up to {@link #MAX_FOLLOWED}) from one queue. While there are no more jobs than threads,
 * each job holds its stream for a long {@link #ROUND}; with more, each job gets a {@link #SHARED_ROUND} and goes to
 * the back of the queue, so 1,000 followed jobs cost 16 threads and one status stream per job every few minutes, not
 * a thread and a connection each. Beyond {@link #MAX_FOLLOWED} a job's state is still correct on read, just not pushed.
 */
public final class JobWatcher implements JobEvents, AutoCloseable {

    public static final int MAX_WATCHERS = 16;

    /** Jobs followed at once (queued or on a stream); each costs a queue entry, so this bounds memory, not threads. */
    public static final int MAX_FOLLOWED = 10_000;

    /** One await per round, below the SSE idle limits of proxies. */
    private static final Duration ROUND = Duration.ofSeconds(50);

    /** A job's turn on a stream while other followed jobs wait for a thread. */
    static final Duration SHARED_ROUND = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(JobWatcher.class);

    private final JobService jobs;

    /** Every followed job: waiting in {@link #queue} or on a stream now. */
    private final Set<String> watching = ConcurrentHashMap.newKeySet();

    /** Followed jobs waiting for their next round. */
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();

    private final AtomicInteger workers = new AtomicInteger();

    private final Set<String> unsubscribed = ConcurrentHashMap.newKeySet();

    private final Set<Consumer<String>> listeners = ConcurrentHashMap.newKeySet();

    /** Jobs the service follows for us, and how to stop that. */
    private final java.util.Map<String, Runnable> followed = new ConcurrentHashMap<>();

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

    /**
     * Adds a listener told the id of every job that changed (the stateless lane's {@code subscriptions/listen} streams);
     * the returned handle removes it. Listeners must be quick and must not throw.
     */
    public Runnable addListener(Consumer<String> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void changed(String jobId) {
        if (closed || jobId == null) {
            return;
        }
        for (Consumer<String> listener : listeners) {
            try {
                listener.accept(jobId);
            } catch (RuntimeException e) {
                log.debug("job listener failed for {}: {}", jobId, e.toString());
            }
        }
        McpSyncServer s = server;
        if (s == null) {
            return;
        }
        try {
            s.notifyResourcesUpdated(new ResourcesUpdatedNotification(JobJson.resourceUri(jobId)));
        } catch (RuntimeException e) {
            log.debug("resource update for {} not sent: {}", jobId, e.toString());
        }
    }

    /** Sees every inbound JSON-RPC message; acts on (un)subscriptions to job resources. */
    public void onClientMessage(McpSchema.JSONRPCMessage message) {
        if (!(message instanceof McpSchema.JSONRPCRequest request)
                || !(request.params() instanceof java.util.Map<?, ?> params)) {
            return;
        }
        onSubscription(request.method(), params.get("uri"), jobId -> true);
    }

    /**
     * Acts on a {@code resources/subscribe} or {@code resources/unsubscribe} of a job resource; other methods and URIs are
     * ignored. A job {@code visible} refuses is not followed (it belongs to someone else, or does not exist).
     */
    public void onSubscription(String method, Object uri, java.util.function.Predicate<String> visible) {
        if (!(uri instanceof String text) || !text.startsWith(JobJson.RESOURCE_PREFIX)) {
            return;
        }
        String jobId = text.substring(JobJson.RESOURCE_PREFIX.length());
        if (McpSchema.METHOD_RESOURCES_SUBSCRIBE.equals(method)) {
            if (!visible.test(jobId)) {
                return;
            }
            unsubscribed.remove(jobId);
            watch(jobId);
        } else if (McpSchema.METHOD_RESOURCES_UNSUBSCRIBE.equals(method)) {
            unsubscribed.add(jobId);
            Runnable stop = followed.remove(jobId);
            if (stop != null) {
                watching.remove(jobId);
                stop.run();
            }
        }
    }

    /** Follows a job in the background until it finishes (idempotent). */
    public void watch(String jobId) {
        if (closed || jobId == null || watching.size() >= MAX_FOLLOWED || !watching.add(jobId)) {
            return;
        }
        java.util.Optional<Runnable> handle;
        try {
            handle = jobs.follow(jobId, update -> changed(jobId), () -> {
                followed.remove(jobId);
                watching.remove(jobId);
            });
        } catch (RuntimeException e) {
            log.debug("job service cannot follow {}: {}", jobId, e.toString());
            handle = java.util.Optional.empty();
        }
        if (handle.isPresent()) {
            followed.put(jobId, handle.get());
            if (!watching.contains(jobId)) {
                followed.remove(jobId, handle.get()); // it ended already
            }
            return;
        }
        queue.add(jobId);
        // Threads are started as work arrives, up to the bound; they stay for the server's lifetime.
        int n = workers.get();
        while (n < MAX_WATCHERS && n < watching.size()) {
            if (workers.compareAndSet(n, n + 1)) {
                try {
                    pool.execute(this::work);
                } catch (RejectedExecutionException e) {
                    workers.decrementAndGet();
                }
                return;
            }
            n = workers.get();
        }
    }

    /** How many jobs are followed now (queued or on a stream). */
    public int following() {
        return watching.size();
    }

    private void work() {
        try {
            while (!closed) {
                String jobId = queue.take();
                if (round(jobId)) {
                    queue.add(jobId);
                } else {
                    watching.remove(jobId);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One turn of a job on its status stream; true when it is to be followed further. */
    private boolean round(String jobId) {
        if (closed || unsubscribed.contains(jobId)) {
            return false;
        }
        try {
            Duration turn = watching.size() > MAX_WATCHERS ? SHARED_ROUND : ROUND;
            JobView view = jobs.await(jobId, turn, update -> changed(jobId));
            if (view.state().isTerminal()) {
                changed(jobId);
                return false;
            }
            return true;
        } catch (RuntimeException e) {
            log.debug("stopped following {}: {}", jobId, e.toString());
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        followed.values().forEach(Runnable::run);
        followed.clear();
        pool.shutdownNow();
    }
}
