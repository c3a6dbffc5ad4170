package dev.klingmcp.contract.replicas;

import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.testing.postgres.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Replicas of the real server (separate {@code serve --http} processes) for one test class, sharing what replicas behind
 * a load balancer share: one mock-fal and its key, one fresh PostgreSQL database as the ledger, one home and one video
 * folder in a temporary folder of the class. A JUnit extension: register it on a static field; it skips the class when
 * the server jar is not built, starts the mock and makes the database before the class's {@code @BeforeAll} (which
 * starts the replicas), and after the class stops every replica, then the mock, each best effort so that one failure
 * does not leave the rest running.
 */
final class ReplicasOnOneLedger implements BeforeAllCallback, AfterAllCallback {

    private final String falKey;
    private final MockFalOptions mockOptions;
    private final List<Replica> replicas = new ArrayList<>();
    private Path root;
    private Path jar;
    private MockFal mock;
    private String ledgerUrl;

    private ReplicasOnOneLedger(String falKey, MockFalOptions mockOptions) {
        this.falKey = falKey;
        this.mockOptions = mockOptions;
    }

    /** The mock runs with {@code mockOptions} plus {@code falKey}, the key every replica is given. */
    static ReplicasOnOneLedger perClass(String falKey, MockFalOptions mockOptions) {
        return new ReplicasOnOneLedger(falKey, mockOptions);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        jar = Path.of(System.getProperty("contract.serverJar", "../server/target/kling-mcp.jar"))
                .toAbsolutePath()
                .normalize();
        Assumptions.assumeTrue(Files.isRegularFile(jar), "the server jar is not built: " + jar);
        root = Files.createTempDirectory("replicas-");
        mock = MockFal.start(mockOptions.addApiKey(falKey));
        ledgerUrl = TestPostgres.shared().newDatabase();
    }

    MockFal mock() {
        return mock;
    }

    String ledgerUrl() {
        return ledgerUrl;
    }

    /** Where every replica saves videos. */
    Path videos() {
        return root.resolve("videos");
    }

    /**
     * Starts a replica with the shared environment plus {@code extra} (which wins), on {@code port} ({@code 0}: any
     * free one; a replica with a public URL must be given its port, see {@link Replica#start}).
     */
    Replica replica(String name, Map<String, String> extra, int port) throws IOException {
        Path home = Files.createDirectories(root.resolve("home"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("FAL_KEY", falKey);
        env.put("KLING_MCP_FAL_BASE_URL", mock.baseUrl());
        env.put("KLING_MCP_LEDGER_URL", ledgerUrl);
        env.put("KLING_MCP_OUTPUT_DIR", videos().toString());
        env.putAll(extra);
        Replica replica = Replica.start(name, jar, Files.createDirectories(root.resolve("work")), env, port);
        replicas.add(replica);
        return replica;
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        for (Replica replica : replicas) {
            try {
                replica.close();
            } catch (RuntimeException e) {
                // best effort: the other replicas and the mock must still stop
            }
        }
        if (mock != null) {
            mock.close();
        }
        if (root != null) {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }
}
