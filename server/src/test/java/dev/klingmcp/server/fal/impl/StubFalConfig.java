package dev.klingmcp.server.fal.impl;

import dev.klingmcp.server.config.FalKey;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.config.ServerConfigLoader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The config the gateway tests run against a {@link StubServer} with: a made-up key, no setting from the machine, a
 * status stream idle for 300 ms counted as stalled, and four retries milliseconds apart, so that fault and retry paths
 * finish in seconds.
 */
final class StubFalConfig {

    static final String KEY = "stub-key-id-0001:stub-secret-0123456789";

    private StubFalConfig() {}

    /** Against {@code base}, with {@code dir} as working and home folder. */
    static ServerConfig against(URI base, Path dir) {
        return new ServerConfigLoader()
                .env(Map.of())
                .workingDir(dir)
                .home(dir)
                .load()
                .withFalBaseUrl(base)
                .withFalKey(FalKey.of(KEY))
                .withTimeouts(new ServerConfig.Timeouts(
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(2),
                        Duration.ofMillis(300),
                        Duration.ofSeconds(10)))
                .withRetry(new ServerConfig.Retry(4, Duration.ofMillis(1), Duration.ofMillis(50)));
    }
}
