package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safe wherever a client launches it: started with working directory {@code /} (as GUI MCP clients often do) the
 * server reads no file for {@code upload} and saves videos under the user's data folder; without {@code FAL_KEY} a real
 * generate, upload or cancel is refused at once, naming the key, and nothing reaches fal or the ledger. "fal" here is
 * a loopback HTTP server that only counts requests.
 */
class SafeDefaultsTests {

    private static final String MOCK_KEY = "mock-key-id:mock-key-secret";

    @TempDir
    Path root;

    private HttpServer fal;

    private final AtomicInteger falRequests = new AtomicInteger();

    private final List<String> stderr = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startCountingFal() throws Exception {
        fal = HttpServer.create(dev.klingmcp.testing.http.Loopback.socket(0), 0);
        fal.createContext("/", exchange -> {
            falRequests.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        fal.start();
    }

    @AfterEach
    void stopFal() {
        fal.stop(0);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void launchedFromTheRootFolderUploadReadsNothingAndVideosGoToTheDataFolder() {
        Map<String, String> env = baseEnvironment();
        env.put("FAL_KEY", MOCK_KEY);
        McpSyncClient client = connect(env, Path.of("/"));
        try {
            for (String path : List.of("/etc/hostname", "etc/hostname")) {
                CallToolResult upload = call(client, "upload", Map.of("path", path));
                assertThat(upload.isError()).as("upload of %s", path).isTrue();
                JsonNode error = json(upload).path("error");
                assertThat(error.path("code").asText()).isEqualTo("invalid_input");
                assertThat(error.toString()).contains("no upload roots").contains("KLING_MCP_UPLOAD_ROOTS");
            }
            Path videos = root.resolve("home/.local/share/kling-mcp/videos");
            Awaitility.await("the start-up lines naming the output folder and the upload roots")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> String.join("\n", stderr).contains("videos are saved to " + videos)
                            && String.join("\n", stderr).contains("upload roots: none"));
            // One line per meaningful event: the new ledger in one line, not Flyway's narration of every start.
            Awaitility.await("the ledger's start-up line")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> String.join("\n", stderr).contains("job ledger schema created"));
            assertThat(stderr)
                    .noneMatch(line -> line.contains("Flyway")
                            || line.contains(" DbMigrate ")
                            || line.contains(" DbValidate ")
                            || line.contains("JdbcTableSchemaHistory"));
        } finally {
            client.closeGracefully();
        }
        assertThat(falRequests).hasValue(0);
        assertThat(Path.of("/kling-output")).doesNotExist();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void withoutAKeyNothingIsSentOrRecorded() throws Exception {
        Path work = Files.createDirectories(root.resolve("work"));
        Path image = TestImages.png(work.resolve("start.png"));
        Map<String, String> env = baseEnvironment();
        env.put("KLING_MCP_UPLOAD_ROOTS", work.toString());
        McpSyncClient client = connect(env, work);
        Map<String, Object> input = Map.of(
                "model", "o3/standard/image-to-video",
                "prompt", "a paper boat drifting on a calm lake",
                "image_url", "https://example.com/start.png",
                "duration", "5");
        try {
            List<CallToolResult> refused = List.of(
                    call(client, "generate", input),
                    call(client, "upload", Map.of("path", image.toString())),
                    call(client, "cancel", Map.of("job_id", "019a0000-0000-7000-8000-000000000000")));
            for (CallToolResult result : refused) {
                assertThat(result.isError()).isTrue();
                JsonNode error = json(result).path("error");
                assertThat(error.path("code").asText()).isEqualTo("fal_key_missing");
                assertThat(error.path("message").asText()).contains("FAL_KEY").contains("\"env\"");
            }
            Map<String, Object> dry = new HashMap<>(input);
            dry.put("dry_run", true);
            assertThat(call(client, "generate", dry).isError()).isNotEqualTo(Boolean.TRUE);
            JsonNode listed = json(call(client, "list_jobs", Map.of()));
            assertThat(listed.path("jobs")).isEmpty();
        } finally {
            client.closeGracefully();
        }
        assertThat(falRequests).hasValue(0);
        Path ledger = root.resolve("home/.local/state/kling-mcp/jobs.db");
        if (Files.exists(ledger)) {
            try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + ledger);
                    Statement st = db.createStatement();
                    ResultSet rows = st.executeQuery("SELECT COUNT(*) FROM jobs")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).as("ledger rows").isZero();
            }
        }
    }

    /** An isolated home (no user config, ledger and data folders inside the test) and fal at the counting server. */
    private Map<String, String> baseEnvironment() {
        Map<String, String> env = new HashMap<>(ServerSetup.isolatedHome(root));
        env.put("KLING_MCP_FAL_BASE_URL", "http://127.0.0.1:" + fal.getAddress().getPort());
        return env;
    }

    private McpSyncClient connect(Map<String, String> env, Path workDir) {
        ServerCommand command = ServerCommand.of("serve");
        ServerParameters params = ServerParameters.builder(command.java())
                .args(command.args())
                .env(env)
                .build();
        CleanStdioTransport transport = new CleanStdioTransport(params, workDir);
        transport.setStdErrorHandler(stderr::add);
        McpSyncClient client = McpClient.sync(transport)
                .clientInfo(
                        Implementation.builder("safe-defaults-test", "1.0.0").build())
                .requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(60))
                .build();
        client.initialize();
        return client;
    }

    private static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
        return client.callTool(CallToolRequest.builder(tool).arguments(args).build());
    }

    private static JsonNode json(CallToolResult result) {
        return ToolCall.JSON.valueToTree(result.structuredContent());
    }
}
