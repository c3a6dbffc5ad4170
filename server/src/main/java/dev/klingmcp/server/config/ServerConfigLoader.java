package dev.klingmcp.server.config;

import static dev.klingmcp.server.config.ConfigKeys.AUTH_AUDIENCE;
import static dev.klingmcp.server.config.ConfigKeys.AUTH_ISSUER;
import static dev.klingmcp.server.config.ConfigKeys.AUTH_JWKS_URL;
import static dev.klingmcp.server.config.ConfigKeys.AUTH_TOKENS_FILE;
import static dev.klingmcp.server.config.ConfigKeys.BUDGET_CONFIRM_ABOVE_USD;
import static dev.klingmcp.server.config.ConfigKeys.CONFIG_FILE;
import static dev.klingmcp.server.config.ConfigKeys.FAL_BASE_URL;
import static dev.klingmcp.server.config.ConfigKeys.FAL_KEY;
import static dev.klingmcp.server.config.ConfigKeys.FAL_QUEUE_URL;
import static dev.klingmcp.server.config.ConfigKeys.FAL_REST_URL;
import static dev.klingmcp.server.config.ConfigKeys.FAL_TIME_SCALE;
import static dev.klingmcp.server.config.ConfigKeys.FAL_WEBHOOK_JWKS;
import static dev.klingmcp.server.config.ConfigKeys.FOLLOW_DOWNLOAD;
import static dev.klingmcp.server.config.ConfigKeys.FOLLOW_ENABLED;
import static dev.klingmcp.server.config.ConfigKeys.FOLLOW_INTERVAL;
import static dev.klingmcp.server.config.ConfigKeys.FOLLOW_LEASE;
import static dev.klingmcp.server.config.ConfigKeys.HTTP_BIND;
import static dev.klingmcp.server.config.ConfigKeys.HTTP_MAX_BODY;
import static dev.klingmcp.server.config.ConfigKeys.HTTP_MAX_SESSIONS;
import static dev.klingmcp.server.config.ConfigKeys.HTTP_PUBLIC_URL;
import static dev.klingmcp.server.config.ConfigKeys.HTTP_SESSION_IDLE;
import static dev.klingmcp.server.config.ConfigKeys.INPUTS_ALLOWED_HOSTS;
import static dev.klingmcp.server.config.ConfigKeys.KEYS;
import static dev.klingmcp.server.config.ConfigKeys.LEDGER_PASSWORD;
import static dev.klingmcp.server.config.ConfigKeys.LEDGER_POOL_SIZE;
import static dev.klingmcp.server.config.ConfigKeys.LEDGER_URL;
import static dev.klingmcp.server.config.ConfigKeys.LEDGER_USER;
import static dev.klingmcp.server.config.ConfigKeys.LIMIT_CONCURRENT_JOBS;
import static dev.klingmcp.server.config.ConfigKeys.LIMIT_DAILY_USD;
import static dev.klingmcp.server.config.ConfigKeys.OUTPUT_DIR;
import static dev.klingmcp.server.config.ConfigKeys.PRICE_FILE;
import static dev.klingmcp.server.config.ConfigKeys.RETRY_BASE_DELAY;
import static dev.klingmcp.server.config.ConfigKeys.RETRY_MAX_ATTEMPTS;
import static dev.klingmcp.server.config.ConfigKeys.RETRY_MAX_DELAY;
import static dev.klingmcp.server.config.ConfigKeys.ROOT_SEPARATOR;
import static dev.klingmcp.server.config.ConfigKeys.TIMEOUT_CONNECT;
import static dev.klingmcp.server.config.ConfigKeys.TIMEOUT_NOT_ACCEPTED;
import static dev.klingmcp.server.config.ConfigKeys.TIMEOUT_REQUEST;
import static dev.klingmcp.server.config.ConfigKeys.TIMEOUT_STREAM_IDLE;
import static dev.klingmcp.server.config.ConfigKeys.TIMEOUT_SUBMIT;
import static dev.klingmcp.server.config.ConfigKeys.TIMEOUT_TOOL_CALL;
import static dev.klingmcp.server.config.ConfigKeys.TIMEOUT_TRANSFER;
import static dev.klingmcp.server.config.ConfigKeys.TOOLS_SCHEMA_PROFILE;
import static dev.klingmcp.server.config.ConfigKeys.UPLOAD_MAX_BYTES;
import static dev.klingmcp.server.config.ConfigKeys.UPLOAD_ROOTS;
import static dev.klingmcp.server.config.ConfigKeys.envName;

import dev.klingmcp.server.ledger.LedgerUrls;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Resolves a {@link ServerConfig} (and the settings of {@code serve --http} and of the background follower) from the
 * settings named in {@link ConfigKeys}, with their defaults and the folders they default to.
 *
 * <p>Precedence: overrides, then environment, then the file ({@code config.file} / {@code KLING_MCP_CONFIG_FILE}, else
 * {@code $XDG_CONFIG_HOME/kling-mcp/config.properties} when it exists), then defaults.
 */
public final class ServerConfigLoader {

    /** A DNS name, a dotted IPv4 address or an IPv6 literal (brackets removed). */
    private static final Pattern HOST =
            Pattern.compile("[a-z0-9-]{1,63}(\\.[a-z0-9-]{1,63})*\\.?|[0-9a-f.]*:[0-9a-f.]*:[0-9a-f:.]*");

    private Map<String, String> env = Map.of();
    private Map<String, String> overrides = Map.of();
    private Path workingDir = Path.of("").toAbsolutePath();
    private Path home = Path.of(System.getProperty("user.home", "."));

    public static ServerConfigLoader fromSystem() {
        ServerConfigLoader loader = new ServerConfigLoader().env(System.getenv());
        // The XDG folders hang off $HOME; Java's user.home comes from the password database and ignores it.
        String home = System.getenv("HOME");
        if (home != null && !home.isBlank() && Path.of(home).isAbsolute()) {
            loader.home(Path.of(home));
        }
        return loader;
    }

    public ServerConfigLoader env(Map<String, String> env) {
        this.env = Map.copyOf(env);
        return this;
    }

    public ServerConfigLoader overrides(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
        return this;
    }

    public ServerConfigLoader workingDir(Path dir) {
        this.workingDir = dir.toAbsolutePath();
        return this;
    }

    public ServerConfigLoader home(Path home) {
        this.home = home.toAbsolutePath();
        return this;
    }

    public ServerConfig load() {
        checkKeys(overrides, "command-line option");
        Map<String, String> file = readFile();
        SettingSource s = new SettingSource(overrides, env, file);

        String key = env.get("FAL_KEY");
        if (key != null && key.isBlank()) {
            key = null;
        }
        if (key == null && env.get("FAL_KEY_ID") != null && env.get("FAL_KEY_SECRET") != null) {
            key = env.get("FAL_KEY_ID") + ":" + env.get("FAL_KEY_SECRET");
        }
        URI base = s.url(FAL_BASE_URL, null);
        URI queue = s.url(FAL_QUEUE_URL, base != null ? base : ServerConfig.FAL_QUEUE_URL);
        URI rest = s.url(FAL_REST_URL, base != null ? base : ServerConfig.FAL_REST_URL);

        // Never the working directory: MCP clients often start servers with cwd "/", and a default there would let
        // upload read the whole disk and write videos to /kling-output.
        Path output = path(s.get(OUTPUT_DIR), dataHome().resolve("kling-mcp").resolve("videos"));
        List<Path> roots = new ArrayList<>();
        String rootList = s.get(UPLOAD_ROOTS);
        if (rootList != null) {
            for (String r : rootList.split(ROOT_SEPARATOR, -1)) {
                if (!r.isBlank()) {
                    roots.add(path(r.strip(), null));
                }
            }
        }
        String ledger = s.get(LEDGER_URL);
        if (ledger == null) {
            ledger = defaultLedgerUrl();
        } else if (!LedgerUrls.supported(ledger)) {
            throw new ConfigException(LEDGER_URL + " (" + envName(LEDGER_URL) + ") = '" + LedgerUrls.redact(ledger)
                    + "' is not usable; allowed: a SQLite JDBC URL such as jdbc:sqlite:/path/to/jobs.db (one process),"
                    + " or a PostgreSQL one such as jdbc:postgresql://db.example.com:5432/kling (several replicas)");
        }
        ledger = withCredentials(ledger, s.get(LEDGER_USER), s.get(LEDGER_PASSWORD));
        String price = s.get(PRICE_FILE);

        ServerConfig.Timeouts d = ServerConfig.Timeouts.defaults();
        ServerConfig.Timeouts timeouts = new ServerConfig.Timeouts(
                s.seconds(TIMEOUT_CONNECT, d.connect()),
                s.seconds(TIMEOUT_REQUEST, d.request()),
                s.seconds(TIMEOUT_SUBMIT, d.submit()),
                s.seconds(TIMEOUT_STREAM_IDLE, d.streamIdle()),
                s.seconds(TIMEOUT_TRANSFER, d.transfer()),
                Duration.ofSeconds(s.number(TIMEOUT_TOOL_CALL, d.toolCall().toSeconds(), 5, 3600)),
                s.seconds(TIMEOUT_NOT_ACCEPTED, d.notAcceptedAfter()));
        ServerConfig.Retry r = ServerConfig.Retry.defaults();
        ServerConfig.Retry retry = new ServerConfig.Retry(
                (int) s.number(RETRY_MAX_ATTEMPTS, r.maxAttempts(), 1, 20),
                Duration.ofMillis(s.number(RETRY_BASE_DELAY, r.baseDelay().toMillis(), 1, 600_000)),
                Duration.ofMillis(s.number(RETRY_MAX_DELAY, r.maxDelay().toMillis(), 1, 3_600_000)));

        return new ServerConfig(
                FalKey.of(key),
                queue,
                rest,
                output,
                roots,
                ledger,
                price == null ? null : path(price, null),
                timeouts,
                retry,
                s.decimal(FAL_TIME_SCALE, 1.0, 0.001, 1_000_000),
                s.get(BUDGET_CONFIRM_ABOVE_USD) == null ? null : s.decimal(BUDGET_CONFIRM_ABOVE_USD, 0, 0, 1_000_000),
                s.get(UPLOAD_MAX_BYTES) == null ? null : s.number(UPLOAD_MAX_BYTES, 0, 1, 1L << 40),
                hosts(s.get(INPUTS_ALLOWED_HOSTS)),
                (int) s.number(LEDGER_POOL_SIZE, ServerConfig.DEFAULT_LEDGER_POOL_SIZE, 1, 1000));
    }

    /**
     * {@code inputs.allowed-hosts}: comma-separated host names or literal IP addresses (no scheme, port, path or
     * wildcard), compared exactly with a URL's host. Anything else is refused rather than guessed at: a typo here would
     * otherwise silently widen what URLs reach fal.
     */
    private static List<String> hosts(String list) {
        List<String> hosts = new ArrayList<>();
        if (list == null) {
            return hosts;
        }
        for (String raw : list.split(",", -1)) {
            String h = raw.strip().toLowerCase(Locale.ROOT);
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1);
            }
            if (h.isEmpty()) {
                continue;
            }
            if (!HOST.matcher(h).matches()) {
                throw new ConfigException(INPUTS_ALLOWED_HOSTS + " (" + envName(INPUTS_ALLOWED_HOSTS) + ") has '"
                        + (raw.length() > 60 ? raw.substring(0, 60) + "…" : raw.strip())
                        + "', which is not a host; allowed: comma-separated host names or IP addresses without scheme,"
                        + " port or path, such as media.internal,10.0.0.5");
            }
            hosts.add(h);
        }
        return hosts;
    }

    /** Which input schemas {@code tools/list} publishes: {@code portable} (default) or {@code full}. */
    public ToolSchemaProfile loadToolSchemaProfile() {
        checkKeys(overrides, "command-line option");
        String v = new SettingSource(overrides, env, readFile()).get(TOOLS_SCHEMA_PROFILE);
        if (v == null) {
            return ToolSchemaProfile.PORTABLE;
        }
        ToolSchemaProfile p = ToolSchemaProfile.parse(v);
        if (p == null) {
            throw new ConfigException(TOOLS_SCHEMA_PROFILE + " (" + envName(TOOLS_SCHEMA_PROFILE) + ") = '" + v
                    + "' is not usable; allowed: portable, full");
        }
        return p;
    }

    /** The settings of {@code serve --http}; refuses combinations that cannot work (e.g. an issuer without audience). */
    public HttpSettings loadHttp() {
        checkKeys(overrides, "command-line option");
        SettingSource s = new SettingSource(overrides, env, readFile());
        HttpSettings d = HttpSettings.loopback();
        String bind = s.get(HTTP_BIND);
        URI resource = s.url(HTTP_PUBLIC_URL, null);
        String issuer = s.get(AUTH_ISSUER);
        String audience = s.get(AUTH_AUDIENCE);
        if (issuer != null && audience == null && resource == null) {
            throw new ConfigException(AUTH_ISSUER + " needs " + HTTP_PUBLIC_URL + " (" + envName(HTTP_PUBLIC_URL)
                    + ") or " + AUTH_AUDIENCE + ": tokens must name this server as their audience; allowed: the URL"
                    + " clients use for the MCP endpoint, such as https://mcp.example.com/mcp");
        }
        String tokens = s.get(AUTH_TOKENS_FILE);
        Path tokensFile = tokens == null ? null : path(tokens, null);
        if (tokensFile != null && !Files.isRegularFile(tokensFile)) {
            throw new ConfigException(AUTH_TOKENS_FILE + " = '" + tokens + "': no such file");
        }
        HttpSettings.Auth auth = new HttpSettings.Auth(
                // The issuer is compared character for character with the token's iss: a trailing slash matters.
                issuer == null ? null : URI.create(s.url(AUTH_ISSUER, null) + (issuer.endsWith("/") ? "/" : "")),
                s.url(AUTH_JWKS_URL, null),
                audience != null ? audience : resource == null ? null : resource.toString(),
                tokensFile);
        return new HttpSettings(
                bind == null ? d.bind() : bind.strip(),
                resource,
                s.number(HTTP_MAX_BODY, d.maxBodyBytes(), 1024, 1L << 30),
                (int) s.number(HTTP_MAX_SESSIONS, d.maxSessions(), 1, 100_000),
                s.seconds(HTTP_SESSION_IDLE, d.sessionIdle()),
                auth,
                s.get(UPLOAD_ROOTS) != null,
                new HttpSettings.Limits(
                        (int) s.number(LIMIT_CONCURRENT_JOBS, 0, 0, 100_000),
                        s.decimal(LIMIT_DAILY_USD, 0, 0, 1_000_000)),
                s.url(FAL_WEBHOOK_JWKS, null));
    }

    /** The background follower of {@code serve}. */
    public FollowSettings loadFollow() {
        checkKeys(overrides, "command-line option");
        SettingSource s = new SettingSource(overrides, env, readFile());
        FollowSettings d = FollowSettings.defaults();
        return new FollowSettings(
                s.flag(FOLLOW_ENABLED, d.enabled()),
                s.seconds(FOLLOW_INTERVAL, d.interval()),
                s.seconds(FOLLOW_LEASE, d.lease()),
                s.flag(FOLLOW_DOWNLOAD, d.download()),
                d.batch(),
                d.quietFor(),
                d.webhookUrl());
    }

    /** {@code ledger.user} / {@code ledger.password} as the PostgreSQL driver's URL parameters (SQLite has no users). */
    private static String withCredentials(String url, String user, String password) {
        if (LedgerUrls.isSqlite(url) || (user == null && password == null)) {
            return url;
        }
        StringBuilder b = new StringBuilder(url);
        for (String[] p : new String[][] {{"user", user}, {"password", password}}) {
            if (p[1] != null) {
                b.append(b.indexOf("?") < 0 ? '?' : '&')
                        .append(p[0])
                        .append('=')
                        .append(java.net.URLEncoder.encode(p[1], java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return b.toString();
    }

    /** The ledger used when {@code ledger.url} is not set: the user's own jobs. */
    public String defaultLedgerUrl() {
        return "jdbc:sqlite:" + stateHome().resolve("kling-mcp").resolve("jobs.db");
    }

    private Path stateHome() {
        return xdg("XDG_STATE_HOME", home.resolve(".local").resolve("state"));
    }

    private Path dataHome() {
        return xdg("XDG_DATA_HOME", home.resolve(".local").resolve("share"));
    }

    private Path xdg(String variable, Path fallback) {
        String xdg = env.get(variable);
        // The XDG spec says relative values are invalid and must be ignored.
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg);
        }
        return fallback;
    }

    private Map<String, String> readFile() {
        String explicit = overrides.getOrDefault(CONFIG_FILE, env.get(envName(CONFIG_FILE)));
        Path file;
        if (explicit != null) {
            file = path(explicit, null);
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(CONFIG_FILE + " = '" + explicit + "': no such file");
            }
        } else {
            String xdg = env.get("XDG_CONFIG_HOME");
            Path configHome =
                    xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".config");
            file = configHome.resolve("kling-mcp").resolve("config.properties");
            if (!Files.isRegularFile(file)) {
                return Map.of();
            }
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new HashMap<>();
        p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k).strip()));
        checkKeys(values, "config file " + file);
        return values;
    }

    private static void checkKeys(Map<String, String> values, String where) {
        for (String k : values.keySet()) {
            if (FAL_KEY.equals(k)) {
                throw new ConfigException(FAL_KEY + " cannot be set in a " + where + ": the fal key is read from the "
                        + "environment only (FAL_KEY=key-id:key-secret, or FAL_KEY_ID + FAL_KEY_SECRET; in an MCP "
                        + "client's config, the server entry's \"env\")");
            }
            if (!KEYS.contains(k)) {
                throw new ConfigException(
                        "unknown setting '" + k + "' in " + where + "; allowed: " + String.join(", ", KEYS));
            }
        }
    }

    /** A folder or file named in a setting: {@code ~/} is the home folder, a relative path is from the working dir. */
    private Path path(String value, Path fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String v = value.startsWith("~/") ? home + value.substring(1) : value;
        return workingDir.resolve(v).normalize();
    }
}
