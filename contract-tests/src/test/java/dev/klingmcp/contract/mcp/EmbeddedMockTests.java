package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server jar carries no mock, yet {@code serve --mock} over stdio and over HTTP still run a whole job: the server
 * finds the embedded mock's own jar at run time. Both processes start from the built jar as a user would.
 */
class EmbeddedMockTests {

    private static final Pattern ENDPOINT = Pattern.compile("MCP endpoint (http://\\S+)");

    @TempDir
    Path root;

    @Test
    void theServerJarHoldsNoMockLibraries() throws IOException {
        Path jar = ServerCommand.serverJar().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(jar != null, "server/target/kling-mcp.jar is not built");
        List<String> mockClasses = new ArrayList<>();
        int classes = 0;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (var entries = zip.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                classes += name.endsWith(".class") ? 1 : 0;
                if (name.startsWith("io/vertx/")
                        || name.startsWith("io/netty/")
                        || name.startsWith("org/jcodec/")
                        || name.startsWith("dev/klingmcp/mock/")) {
                    mockClasses.add(name);
                }
            }
        }
        assertThat(classes).as("classes in %s", jar).isPositive();
        assertThat(mockClasses).as("mock classes in %s", jar).isEmpty();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void serveMockOverStdioRunsAJob() {
        ServerCommand command = ServerCommand.of("serve", "--mock", "--mock-speed", "1000");
        ServerParameters params = ServerParameters.builder(command.java())
                .args(command.args())
                .env(ServerSetup.isolatedHome(root))
                .build();
        StdioClientTransport transport = new CleanStdioTransport(params, null);
        transport.setStdErrorHandler(line -> {});
        runAJob(transport);
        // The mock's jobs vanish with the process: in the user's own ledger they would be listed beside real jobs and
        // followed at fal's real hosts by the next real server.
        assertThat(root.resolve("home/.local/state/kling-mcp/jobs.db"))
                .as("the user's own ledger")
                .doesNotExist();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void serveHttpMockRunsAJob() throws Exception {
        ServerCommand command = ServerCommand.of("serve", "--http", "--port", "0", "--mock", "--mock-speed", "1000");
        ProcessBuilder builder = new ProcessBuilder(command.commandLine())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("FAL_") || k.startsWith("KLING_MCP_") || k.startsWith("XDG_"));
        builder.environment().putAll(ServerSetup.isolatedHome(root));
        Process process = builder.start();
        try {
            CompletableFuture<String> url = new CompletableFuture<>();
            Thread reader = new Thread(() -> readEndpoint(process, url), "http-server-stderr");
            reader.setDaemon(true);
            reader.start();
            String endpoint = url.get(60, TimeUnit.SECONDS);
            int slash = endpoint.indexOf('/', "http://".length());
            McpClientTransport transport = HttpClientStreamableHttpTransport.builder(endpoint.substring(0, slash))
                    .endpoint(endpoint.substring(slash))
                    .build();
            runAJob(transport);
        } finally {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static void readEndpoint(Process process, CompletableFuture<String> url) {
        try (BufferedReader err =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = err.readLine()) != null; ) {
                Matcher m = ENDPOINT.matcher(line);
                if (m.find()) {
                    url.complete(m.group(1));
                }
            }
            url.completeExceptionally(new IllegalStateException("the server exited without an endpoint line"));
        } catch (IOException e) {
            url.completeExceptionally(e);
        }
    }

    /** generate (for real, against the embedded mock) → status until done → result. */
    private static void runAJob(McpClientTransport transport) {
        McpSyncClient client = McpClient.sync(transport)
                .clientInfo(
                        Implementation.builder("embedded-mock-test", "1.0.0").build())
                .requestTimeout(Duration.ofSeconds(70))
                .initializationTimeout(Duration.ofSeconds(60))
                .build();
        try {
            client.initialize();
            assertThat(client.listTools().tools()).extracting(t -> t.name()).contains("generate", "status");
            Map<String, Object> input = Map.of(
                    "model", "o3/standard/image-to-video",
                    "prompt", "a paper boat drifting on a calm lake",
                    "image_url", "https://example.invalid/start.png",
                    "duration", "3");
            CallToolResult generated = ToolCall.succeeded(client, "generate", input);
            String jobId = ToolCall.structuredOf(generated).path("job_id").asText();
            String status = "";
            for (int round = 0; round < 10 && !"SUCCEEDED".equals(status); round++) {
                CallToolResult polled =
                        ToolCall.succeeded(client, "status", Map.of("job_id", jobId, "wait_seconds", 10));
                status = ToolCall.structuredOf(polled).at("/job/status").asText();
            }
            assertThat(status).isEqualTo("SUCCEEDED");
            CallToolResult result = ToolCall.succeeded(client, "result", Map.of("job_id", jobId));
            assertThat(ToolCall.structuredOf(result).at("/video/url").asText()).startsWith("http://127.0.0.1:");
        } finally {
            client.closeGracefully();
        }
    }
}
