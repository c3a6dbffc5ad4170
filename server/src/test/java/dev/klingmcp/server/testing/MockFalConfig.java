package dev.klingmcp.server.testing;

import dev.klingmcp.server.config.FalKey;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.config.ServerConfigLoader;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The configuration of a server under test that talks to a mock-fal: the defaults, nothing from this machine's
 * environment or home folder, fal's hosts replaced by the mock, its key, and the ledger ({@code jobs.db}) and videos
 * ({@code videos/}) in the test's folder.
 */
public final class MockFalConfig {

    private MockFalConfig() {}

    public static ServerConfig in(Path dir, String mockBaseUrl, String key) {
        return in(dir, mockBaseUrl, key, Map.of());
    }

    /** @param settings settings by their keys as in the properties file (e.g. {@code timeout.tool-call-seconds}) */
    public static ServerConfig in(Path dir, String mockBaseUrl, String key, Map<String, String> settings) {
        return new ServerConfigLoader()
                .env(Map.of())
                .overrides(settings)
                .workingDir(dir)
                .home(dir)
                .load()
                .withFalBaseUrl(URI.create(mockBaseUrl))
                .withFalKey(FalKey.of(key))
                .withLedgerUrl("jdbc:sqlite:" + dir.resolve("jobs.db"))
                .withOutputDir(dir.resolve("videos"));
    }
}
