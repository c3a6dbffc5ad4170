package dev.klingmcp.server.cli;

import dev.klingmcp.server.config.ConfigKeys;
import dev.klingmcp.server.config.ServerConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Options of {@code serve} (also accepted without the word {@code serve}, since it is the default command). Every
 * setting can also come from the environment ({@code FAL_KEY}, {@code KLING_MCP_*}) or a config file; options win.
 */
public final class ServeOptions {

    @Option(
            names = "--mock",
            description = "Run against an embedded mock of fal (no network, no bill) instead of fal.ai.")
    boolean mock;

    static final double DEFAULT_MOCK_SPEED = 60;

    static final int DEFAULT_PORT = 8765;

    @Option(
            names = "--mock-speed",
            paramLabel = "FACTOR",
            description = "With --mock: how much faster than fal's typical timing jobs run (default 60).")
    Double mockSpeed;

    @Option(
            names = "--http",
            description = "Serve MCP over Streamable HTTP (endpoint /mcp) instead of stdio; 127.0.0.1 unless --bind.")
    boolean http;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "With --http: the port (0 = any free port; default 8765).")
    Integer port;

    @Option(
            names = "--bind",
            paramLabel = "ADDRESS",
            description = "With --http: the address to listen on (default 127.0.0.1). Any other address needs "
                    + "authorization (auth.issuer or auth.tokens-file).")
    String bind;

    @Option(
            names = "--public-url",
            paramLabel = "URL",
            description = "With --http: the URL clients use for the MCP endpoint, e.g. https://mcp.example.com/mcp "
                    + "(the OAuth resource and token audience).")
    String publicUrl;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of settings (keys as in --set).")
    Path configFile;

    @Option(names = "--output-dir", paramLabel = "DIR", description = "Where result(download: true) saves videos.")
    Path outputDir;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Any setting, e.g. --set ledger.url=jdbc:sqlite:/tmp/jobs.db --set upload.roots=/data,/pics. Keys: "
                            + "fal.base-url, fal.queue-url, fal.rest-url, output.dir, upload.roots, upload.max-bytes, "
                            + "ledger.url, ledger.user, ledger.password, ledger.pool-size, price.file, config.file, "
                            + "timeout.*-seconds, retry.*, fal.time-scale (ETA speed-up against a mock), "
                            + "tools.schema-profile, budget.confirm-above-usd, inputs.allowed-hosts, follow.*, http.*, "
                            + "auth.*, limits.*, fal.webhook-jwks-url (README.md's Configuration lists each).")
    Map<String, String> settings = new LinkedHashMap<>();

    /** Options that only make sense together, checked together: the message names the missing one, else null. */
    String invalidCombination() {
        if (port != null && !http) {
            return "--port " + port + " needs --http (stdio has no port)";
        }
        if (port != null && (port < 0 || port > 65535)) {
            return "--port " + port + " is out of range; allowed: 0 (any free port) to 65535";
        }
        if (bind != null && !http) {
            return "--bind needs --http";
        }
        if (publicUrl != null && !http) {
            return "--public-url needs --http";
        }
        if (mockSpeed != null && !mock) {
            return "--mock-speed needs --mock (fal's own hosts run at their own pace)";
        }
        if (mockSpeed != null && (!(mockSpeed > 0) || mockSpeed > 1_000_000)) {
            return "--mock-speed " + mockSpeed + " is out of range; allowed: a number above 0 (up to 1000000)";
        }
        return null;
    }

    double mockSpeed() {
        return mockSpeed == null ? DEFAULT_MOCK_SPEED : mockSpeed;
    }

    int port() {
        return port == null ? DEFAULT_PORT : port;
    }

    /** The overrides for {@link ServerConfigLoader}; the key never comes from the command line (it would show in ps). */
    Map<String, String> overrides() {
        Map<String, String> out = new LinkedHashMap<>(settings);
        if (configFile != null) {
            out.put(ConfigKeys.CONFIG_FILE, configFile.toString());
        }
        if (bind != null) {
            out.put(ConfigKeys.HTTP_BIND, bind);
        }
        if (publicUrl != null) {
            out.put(ConfigKeys.HTTP_PUBLIC_URL, publicUrl);
        }
        if (outputDir != null) {
            out.put(ConfigKeys.OUTPUT_DIR, outputDir.toString());
        }
        if (mock) {
            // The embedded mock runs jobs mockSpeed times faster than fal: ETAs must say so, or an 8 s job shows "~2
            // min".
            out.put(ConfigKeys.FAL_TIME_SCALE, Double.toString(mockSpeed()));
        }
        return out;
    }
}
