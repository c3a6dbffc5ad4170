package dev.klingmcp.contract.replicas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.contract.process.ServerChild;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * One replica: {@code java -jar kling-mcp.jar serve --http --port 0} as its own process with the given environment, and
 * an MCP Java SDK client connected to it over Streamable HTTP (a session of its own, as a client behind a proxy with
 * session affinity would have). Stderr goes to a file; the endpoint is read from it.
 */
final class Replica implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static final Pattern ENDPOINT = Pattern.compile("MCP endpoint (http://\\S+)");

    /** What a replica with a public URL prints once it serves: that URL, not its own address. */
    private static final Pattern PUBLIC_ENDPOINT = Pattern.compile("MCP endpoint https?://\\S+");

    final String name;
    private final ServerChild child;
    private final String url;
    private final List<McpSyncClient> clients = new ArrayList<>();
    /** URIs of every {@code notifications/resources/updated} this replica's clients received. */
    final List<String> resourceUpdates = new CopyOnWriteArrayList<>();

    private Replica(String name, ServerChild child, String url) {
        this.name = name;
        this.child = child;
        this.url = url;
    }

    static Replica start(String name, Path jar, Path workDir, Map<String, String> env) {
        return start(name, jar, workDir, env, 0);
    }

    /**
     * As {@link #start(String, Path, Path, Map)} on a given {@code port}: a replica with a public URL (the load balancer's)
     * announces that one, so its own address must be known beforehand.
     */
    static Replica start(String name, Path jar, Path workDir, Map<String, String> env, int port) {
        ServerChild child = ServerChild.start(
                ServerChild.serveCommand(jar, "--http", "--port", Integer.toString(port)),
                workDir,
                env,
                workDir.resolve(name + "-stderr.log"),
                false);
        try {
            return new Replica(
                    name,
                    child,
                    port == 0
                            ? child.awaitStderr(ENDPOINT, Duration.ofSeconds(90))
                                    .group(1)
                            : announced(child, port));
        } catch (AssertionError e) {
            throw new AssertionError("replica " + name + ": " + e.getMessage(), e);
        }
    }

    private static String announced(ServerChild child, int port) {
        child.awaitStderr(PUBLIC_ENDPOINT, Duration.ofSeconds(90));
        return "http://127.0.0.1:" + port + "/mcp";
    }

    /** The MCP endpoint, {@code http://127.0.0.1:<port>/mcp}. */
    String url() {
        return url;
    }

    /**
     * {@code tasks/get} as a stateless (protocol 2026-07-28) client sends it: one POST, no session, the routing headers;
     * returns the JSON-RPC answer's {@code result}.
     */
    JsonNode taskGet(String taskId) throws IOException, InterruptedException {
        com.fasterxml.jackson.databind.node.ObjectNode body = JSON.createObjectNode()
                .put("jsonrpc", "2.0")
                .put("id", "task-" + taskId)
                .put("method", "tasks/get");
        com.fasterxml.jackson.databind.node.ObjectNode params =
                body.putObject("params").put("taskId", taskId);
        com.fasterxml.jackson.databind.node.ObjectNode meta = params.putObject("_meta");
        meta.put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
        meta.putObject("io.modelcontextprotocol/clientCapabilities")
                .putObject("extensions")
                .putObject("io.modelcontextprotocol/tasks");
        meta.putObject("io.modelcontextprotocol/clientInfo")
                .put("name", "replica-test")
                .put("version", "1");
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "tasks/get")
                .header("Mcp-Name", taskId)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        {
            String text = HTTP.send(request, java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
            JsonNode answer = null;
            if (text.startsWith("{")) {
                answer = JSON.readTree(text);
            } else {
                for (String line : text.split("\n", -1)) {
                    if (line.startsWith("data:")
                            && !JSON.readTree(line.substring(5).strip()).has("method")) {
                        answer = JSON.readTree(line.substring(5).strip());
                    }
                }
            }
            if (answer == null || !answer.has("result")) {
                throw new AssertionError("tasks/get " + taskId + " on " + name + ": " + text);
            }
            return answer.get("result");
        }
    }

    long pid() {
        return child.pid();
    }

    boolean alive() {
        return child.alive();
    }

    String stderr() {
        return child.stderr();
    }

    /** A new MCP session on this replica (initialized), recording resource updates. */
    McpSyncClient client() {
        int slash = url.indexOf('/', "http://".length());
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(url.substring(0, slash))
                        .endpoint(url.substring(slash))
                        .build())
                .clientInfo(McpSchema.Implementation.builder("replica-test-" + name, "1.0.0")
                        .build())
                .requestTimeout(Duration.ofSeconds(70))
                .resourcesUpdateConsumer(contents -> contents.forEach(c -> resourceUpdates.add(c.uri())))
                .build();
        client.initialize();
        clients.add(client);
        return client;
    }

    /** Calls a tool and returns its structured content; a tool error fails the test with the answer. */
    static JsonNode call(McpSyncClient client, String tool, Map<String, Object> args) {
        McpSchema.CallToolResult r = client.callTool(
                McpSchema.CallToolRequest.builder(tool).arguments(args).build());
        JsonNode structured =
                r.structuredContent() == null ? JSON.missingNode() : JSON.valueToTree(r.structuredContent());
        if (Boolean.TRUE.equals(r.isError())) {
            throw new AssertionError(tool + " " + args + " answered an error: " + structured + " " + r.content());
        }
        return structured;
    }

    /** SIGKILL: no shutdown hook runs, no lease is given back, nothing is flushed. */
    void kill() {
        child.kill();
    }

    @Override
    public void close() {
        for (McpSyncClient c : clients) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // closing anyway
            }
        }
        child.close();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
