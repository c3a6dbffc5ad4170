package dev.klingmcp.contract.modern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.contract.process.ServerChild;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.mock.queue.JobSnapshot;
import dev.klingmcp.mock.queue.SubmitCounters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * One mock-fal (real-time clock at {@code speed}x, so the server under test sees jobs move without a test driving the
 * clock) and the folders and environment a server process of these tests runs with. Servers are the real jar,
 * {@code java -jar server/target/kling-mcp.jar serve [--http]}.
 */
final class ModernFixture implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Accepted by the mock only; never a real fal key. */
    static final String FAL_KEY = "modern-contract-key-id:modern-contract-key-secret";

    final Path root;

    final MockFal mock;

    final Path ledger;

    final Path outputDir;

    final Path workDir;

    private final Map<String, String> extraEnv = new LinkedHashMap<>();

    ModernFixture(Path root, double speed) {
        assumeServerBuilt();
        this.root = root;
        this.mock = MockFal.start(new MockFalOptions()
                .setSpeed(speed)
                .addApiKey(FAL_KEY)
                .setSeed(11)
                .setStorageDir(Path.of(System.getProperty("contract.mockStorageDir", "target/mcp-mock-fal"))
                        .toAbsolutePath()));
        try {
            this.workDir = Files.createDirectories(root.resolve("work"));
            this.ledger = Files.createDirectories(root.resolve("state")).resolve("jobs.db");
            this.outputDir = root.resolve("videos");
            Files.createDirectories(root.resolve("home"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds a setting (e.g. {@code KLING_MCP_BUDGET_CONFIRM_ABOVE_USD}) to every server started afterwards. */
    ModernFixture env(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("FAL_KEY", FAL_KEY);
        env.put("KLING_MCP_FAL_BASE_URL", mock.baseUrl());
        env.put("KLING_MCP_LEDGER_URL", "jdbc:sqlite:" + ledger);
        env.put("KLING_MCP_OUTPUT_DIR", outputDir.toString());
        env.put("KLING_MCP_UPLOAD_ROOTS", workDir.toString());
        env.put("KLING_MCP_TIMEOUT_CONNECT_SECONDS", "5");
        env.put("KLING_MCP_TIMEOUT_REQUEST_SECONDS", "20");
        Path home = root.resolve("home");
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("XDG_STATE_HOME", home.resolve(".local/state").toString());
        env.putAll(extraEnv);
        return env;
    }

    /** {@code java … -jar kling-mcp.jar serve <args>}. */
    static List<String> serverCommand(String... serveArgs) {
        return ServerChild.serveCommand(serverJar(), serveArgs);
    }

    static Path serverJar() {
        return Path.of(System.getProperty("contract.serverJar", "../server/target/kling-mcp.jar"))
                .toAbsolutePath()
                .normalize();
    }

    static void assumeServerBuilt() {
        Assumptions.assumeTrue(
                Files.isRegularFile(serverJar()), "the server jar is not built: " + serverJar() + " (mvn package)");
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Submits the mock accepted, over every endpoint. */
    long accepted() {
        return mock.control().submits().values().stream()
                .mapToLong(SubmitCounters.Count::accepted)
                .sum();
    }

    JobSnapshot mockJob(String requestId) {
        return mock.control().job(requestId).orElseThrow(() -> new AssertionError("mock-fal has no job " + requestId));
    }

    /**
     * Writes the config file a client script of these tests reads: {@code config} plus how to reach the server, its URL
     * ({@code http}) or the command, environment and folder to spawn it with ({@code stdio}).
     */
    Path clientConfig(ObjectNode config, String transport, ServerProcess http, String prefix) throws IOException {
        ObjectNode c = config.deepCopy().put("transport", transport);
        if ("http".equals(transport)) {
            c.put("url", http.url());
        } else {
            List<String> command = serverCommand();
            c.put("command", command.get(0));
            ArrayNode args = c.putArray("args");
            command.subList(1, command.size()).forEach(args::add);
            c.set("env", JSON.valueToTree(environment()));
            c.put("cwd", workDir.toString());
        }
        Path file = Files.createTempFile(root, prefix, ".json");
        Files.writeString(file, c.toString());
        return file;
    }

    /** Generate arguments from fal's own example (standard image-to-video, 10 s, $0.84 at default prices). */
    static ObjectNode generateArguments() {
        String seed = "/dev/klingmcp/testing/seed/examples/002-standard-input-example.json";
        try (java.io.InputStream in = ModernFixture.class.getResourceAsStream(seed)) {
            if (in == null) {
                throw new AssertionError("no " + seed + " on the test class path (test-support)");
            }
            ObjectNode example = (ObjectNode) JSON.readTree(in);
            ObjectNode args =
                    JSON.createObjectNode().put("model", example.path("model").asText());
            args.setAll((ObjectNode) example.get("input"));
            return args;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        mock.close();
    }
}
