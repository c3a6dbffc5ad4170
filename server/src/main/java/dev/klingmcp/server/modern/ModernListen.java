package dev.klingmcp.server.modern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.mcp.JobWatcher;
import dev.klingmcp.server.tools.JobJson;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code subscriptions/listen}: a long-lived answer on the request's own stream. It is acknowledged first (echoing the
 * part of the filter we honour: job resources {@code kling://jobs/{job_id}}; our lists never change, so list-change
 * types are left out), then carries {@code notifications/resources/updated} for those jobs while they run, each tagged
 * with the listen request's id. It ends when the client goes away (closed SSE response, or {@code notifications/cancelled}
 * on stdio) or, on shutdown, with a closing result.
 */
final class ModernListen implements AutoCloseable {

    /** Below the idle limits of proxies, so an SSE listen with nothing to say stays up. */
    static final long KEEP_ALIVE_SECONDS = 15;

    private static final String CLOSING = "";

    private final JobWatcher watcher;

    private final Set<BlockingQueue<String>> open = ConcurrentHashMap.newKeySet();

    private volatile boolean closed;

    ModernListen(JobWatcher watcher) {
        this.watcher = watcher;
    }

    ObjectNode listen(ModernRequest request) {
        JsonNode id = request.id();
        Set<String> jobIds = new LinkedHashSet<>();
        ArrayNode honoured = ModernJson.MAPPER.createArrayNode();
        for (JsonNode uri : request.params().path("notifications").path("resourceSubscriptions")) {
            String text = uri.asText("");
            if (text.startsWith(JobJson.RESOURCE_PREFIX) && text.length() > JobJson.RESOURCE_PREFIX.length()) {
                jobIds.add(text.substring(JobJson.RESOURCE_PREFIX.length()));
                honoured.add(text);
            }
        }
        ObjectNode ack = notification("notifications/subscriptions/acknowledged", id);
        ObjectNode filter = ((ObjectNode) ack.get("params")).putObject("notifications");
        if (!honoured.isEmpty()) {
            filter.set("resourceSubscriptions", honoured);
        }
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        Runnable stopListening = watcher.addListener(jobId -> {
            if (jobIds.contains(jobId)) {
                queue.offer(jobId);
            }
        });
        open.add(queue);
        try {
            // Nothing may precede the acknowledgement on this subscription, so it goes out before any job is followed.
            if (!request.channel().send(ack)) {
                return null;
            }
            jobIds.forEach(watcher::watch);
            long lastSent = System.nanoTime();
            while (!closed) {
                // Short polls: a client that cancelled (stdio) is noticed within a second, not at the next keep-alive.
                String jobId = queue.poll(1, TimeUnit.SECONDS);
                if (closed || CLOSING.equals(jobId)) {
                    break;
                }
                boolean alive;
                if (jobId == null) {
                    boolean due = System.nanoTime() - lastSent > TimeUnit.SECONDS.toNanos(KEEP_ALIVE_SECONDS);
                    alive = request.channel().open()
                            && (!due || request.channel().keepAlive());
                    if (due) {
                        lastSent = System.nanoTime();
                    }
                } else {
                    lastSent = System.nanoTime();
                    ObjectNode updated = notification("notifications/resources/updated", id);
                    ((ObjectNode) updated.get("params")).put("uri", JobJson.resourceUri(jobId));
                    alive = request.channel().send(updated);
                }
                if (!alive || !request.channel().open()) {
                    return null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopListening.run();
            open.remove(queue);
        }
        ObjectNode end = ModernJson.object();
        end.putObject(ModernProtocol.META).set(ModernProtocol.SUBSCRIPTION_ID, id);
        return end;
    }

    private static ObjectNode notification(String method, JsonNode subscriptionId) {
        ObjectNode n = ModernJson.object().put("jsonrpc", "2.0").put("method", method);
        n.putObject("params").putObject(ModernProtocol.META).set(ModernProtocol.SUBSCRIPTION_ID, subscriptionId);
        return n;
    }

    /** Ends every open listen with its closing result (server shutdown). */
    @Override
    public void close() {
        closed = true;
        open.forEach(q -> q.offer(CLOSING));
    }
}
