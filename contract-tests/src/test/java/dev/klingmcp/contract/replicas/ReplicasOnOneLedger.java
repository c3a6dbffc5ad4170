package dev.klingmcp.contract.replicas;

import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.testing.postgres.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Replicas of the real server (separate {@code serve --http} processes) for one test class, sharing what replicas behind
 * a load balancer share: one mock-fal and its key, one fresh PostgreSQL database as the ledger, one home and one video
 * folder. Skips the class when the server jar is not built; {@link #close()} stops every replica, then the mock, each
 * best effort so that one failure does not leave the rest running.
 */
final class ReplicasOnOneLedger implements AutoCloseable {

    private final Path root;
    private final Path jar;
    private final String falKey;
    private final List<Replica> replicas = new ArrayList<>();
    final MockFal mock;
    final String ledgerUrl;

    private ReplicasOnOneLedger(Path root, Path jar, String falKey, MockFal mock, String ledgerUrl) {
        this.root = root;
        this.jar = jar;
        this.falKey = falKey;
        this.mock = mock;
        this.ledgerUrl = ledgerUrl;
    }

    /** Starts the mock ({@code mockOptions} plus {@code falKey}) and makes the database; replicas come after. */
    static ReplicasOnOneLedger start(Path root, String falKey, MockFalOptions mockOptions) {
        Path jar = Path.of(System.getProperty("contract.serverJar", "../server/target/kling-mcp.jar"))
                .toAbsolutePath()
                .normalize();
        Assumptions.assumeTrue(Files.isRegularFile(jar), "the server jar is not built: " + jar);
        MockFal mock = MockFal.start(mockOptions.addApiKey(falKey));
        try {
            return new ReplicasOnOneLedger(
                    root, jar, falKey, mock, TestPostgres.shared().newDatabase());
        } catch (RuntimeException e) {
            mock.close();
            throw e;
        }
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
    public void close() {
        for (Replica replica : replicas) {
            try {
                replica.close();
            } catch (RuntimeException e) {
                // best effort: the other replicas and the mock must still stop
            }
        }
        mock.close();
    }
}
