package dev.klingmcp.contract.mcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where one server process keeps its state and whom it talks to. Everything lives under a per-test temporary folder so
 * runs never share a ledger, an output folder or a user's {@code ~/.config}. The server reads it all from the
 * environment ({@code ServerConfigLoader}: {@code FAL_KEY}, {@code KLING_MCP_*}).
 *
 * @param root        the temporary folder
 * @param workDir     the process's working directory (also the default upload root)
 * @param ledger      SQLite file of the job ledger; reusing it is how a restarted server finds its jobs
 * @param outputDir   where {@code result(download: true)} saves videos
 * @param falBaseUrl  the mock-fal base URL (queue, storage and CDN on one origin)
 * @param falKey      the key the server sends to the mock
 * @param settings    further {@code KLING_MCP_*} variables, e.g. a shorter tool-call deadline for one suite
 */
record ServerSetup(
        Path root,
        Path workDir,
        Path ledger,
        Path outputDir,
        String falBaseUrl,
        String falKey,
        Map<String, String> settings) {

    static ServerSetup under(Path root, String falBaseUrl, String falKey) {
        try {
            Path work = Files.createDirectories(root.resolve("work"));
            Path state = Files.createDirectories(root.resolve("state"));
            return new ServerSetup(
                    root, work, state.resolve("jobs.db"), root.resolve("videos"), falBaseUrl, falKey, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same setup plus one more environment variable (later ones win). */
    ServerSetup with(String variable, String value) {
        Map<String, String> more = new LinkedHashMap<>(settings);
        more.put(variable, value);
        return new ServerSetup(root, workDir, ledger, outputDir, falBaseUrl, falKey, Map.copyOf(more));
    }

    /** Environment added to (and overriding) the inherited one. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FAL_KEY", falKey);
        env.put("KLING_MCP_FAL_BASE_URL", falBaseUrl);
        env.put("KLING_MCP_LEDGER_URL", "jdbc:sqlite:" + ledger);
        env.put("KLING_MCP_OUTPUT_DIR", outputDir.toString());
        env.put("KLING_MCP_UPLOAD_ROOTS", workDir.toString());
        // Short network timeouts: everything is on loopback, and a hang must fail fast rather than stall CI.
        env.put("KLING_MCP_TIMEOUT_CONNECT_SECONDS", "5");
        env.put("KLING_MCP_TIMEOUT_REQUEST_SECONDS", "20");
        env.putAll(isolatedHome(root));
        env.putAll(settings);
        return env;
    }

    /** XDG folders and HOME inside {@code root}: no user config is read, no state is written outside the test. */
    static Map<String, String> isolatedHome(Path root) {
        Path home = root.resolve("home");
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "HOME",
                home.toString(),
                "XDG_CONFIG_HOME",
                home.resolve(".config").toString(),
                "XDG_STATE_HOME",
                home.resolve(".local/state").toString(),
                "XDG_CACHE_HOME",
                home.resolve(".cache").toString());
    }
}
