package dev.klingmcp.server.config;

import dev.klingmcp.server.ledger.LedgerUrls;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
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
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * Resolves a {@link ServerConfig}. Every setting has a property key (used in the optional properties file and in
 * command-line overrides such as {@code --option output.dir=/tmp/videos}) and an environment variable derived from it:
 * {@code KLING_MCP_} + the key upper-cased with {@code .} and {@code -} turned into {@code _}
 * (e.g. {@code output.dir} → {@code KLING_MCP_OUTPUT_DIR}). The fal key is the exception: {@code FAL_KEY}, or
 * {@code FAL_KEY_ID} + {@code FAL_KEY_SECRET} as fal's own clients read it.
 *
 * <p>Precedence: overrides, then environment, then the file ({@code config.file} / {@code KLING_MCP_CONFIG_FILE}, else
 * {@code $XDG_CONFIG_HOME/kling-mcp/config.properties} when it exists), then defaults.
 */
public final class ServerConfigLoader {

    public static final String FAL_KEY = "fal.key";
    public static final String FAL_BASE_URL = "fal.base-url";
    public static final String FAL_QUEUE_URL = "fal.queue-url";
    public static final String FAL_REST_URL = "fal.rest-url";
    public static final String OUTPUT_DIR = "output.dir";
    public static final String UPLOAD_ROOTS = "upload.roots";
    public static final String UPLOAD_MAX_BYTES = "upload.max-bytes";
    public static final String LEDGER_URL = "ledger.url";
    public static final String LEDGER_USER = "ledger.user";
    public static final String LEDGER_PASSWORD = "ledger.password";
    public static final String FOLLOW_ENABLED = "follow.enabled";
    public static final String FOLLOW_INTERVAL = "follow.interval-seconds";
    public static final String FOLLOW_LEASE = "follow.lease-seconds";
    public static final String FOLLOW_DOWNLOAD = "follow.download";
    public static final String PRICE_FILE = "price.file";
    public static final String CONFIG_FILE = "config.file";
    public static final String TIMEOUT_CONNECT = "timeout.connect-seconds";
    public static final String TIMEOUT_REQUEST = "timeout.request-seconds";
    public static final String TIMEOUT_SUBMIT = "timeout.submit-seconds";
    public static final String TIMEOUT_STREAM_IDLE = "timeout.stream-idle-seconds";
    public static final String TIMEOUT_TRANSFER = "timeout.transfer-seconds";
    public static final String RETRY_MAX_ATTEMPTS = "retry.max-attempts";
    public static final String RETRY_BASE_DELAY = "retry.base-delay-ms";
    public static final String RETRY_MAX_DELAY = "retry.max-delay-ms";
    public static final String FAL_TIME_SCALE = "fal.time-scale";
    public static final String TOOLS_SCHEMA_PROFILE = "tools.schema-profile";
    public static final String HTTP_BIND = "http.bind";
    public static final String HTTP_PUBLIC_URL = "http.public-url";
    public static final String HTTP_MAX_BODY = "http.max-body-bytes";
    public static final String HTTP_MAX_SESSIONS = "http.max-sessions";
    public static final String HTTP_SESSION_IDLE = "http.session-idle-seconds";
    public static final String AUTH_ISSUER = "auth.issuer";
    public static final String AUTH_JWKS_URL = "auth.jwks-url";
    public static final String AUTH_AUDIENCE = "auth.audience";
    public static final String AUTH_TOKENS_FILE = "auth.tokens-file";
    public static final String LIMIT_CONCURRENT_JOBS = "limits.concurrent-jobs";
    public static final String LIMIT_DAILY_USD = "limits.daily-usd";
    public static final String FAL_WEBHOOK_JWKS = "fal.webhook-jwks-url";
    public static final String TIMEOUT_TOOL_CALL = "timeout.tool-call-seconds";
    public static final String TIMEOUT_NOT_ACCEPTED = "timeout.not-accepted-after-seconds";
    public static final String BUDGET_CONFIRM_ABOVE_USD = "budget.confirm-above-usd";
    public static final String INPUTS_ALLOWED_HOSTS = "inputs.allowed-hosts";

    /** The separator of {@code upload.roots}: one, the same on every OS (a comma is rare in folder names; ':' is not). */
    public static final String ROOT_SEPARATOR = ",";

    /**
     * Every key this loader understands; anything else in a file or override is refused (typos must not pass silently).
     * {@link #FAL_KEY} is not among them: the key comes from the environment only, never from a command line (other users
     * see it in the process list) nor from a file a user may share.
     */
    public static final List<String> KEYS = List.of(
            FAL_BASE_URL,
            FAL_QUEUE_URL,
            FAL_REST_URL,
            OUTPUT_DIR,
            UPLOAD_ROOTS,
            UPLOAD_MAX_BYTES,
            LEDGER_URL,
            LEDGER_USER,
            LEDGER_PASSWORD,
            FOLLOW_ENABLED,
            FOLLOW_INTERVAL,
            FOLLOW_LEASE,
            FOLLOW_DOWNLOAD,
            PRICE_FILE,
            CONFIG_FILE,
            TIMEOUT_CONNECT,
            TIMEOUT_REQUEST,
            TIMEOUT_SUBMIT,
            TIMEOUT_STREAM_IDLE,
            TIMEOUT_TRANSFER,
            TIMEOUT_TOOL_CALL,
            TIMEOUT_NOT_ACCEPTED,
            RETRY_MAX_ATTEMPTS,
            RETRY_BASE_DELAY,
            RETRY_MAX_DELAY,
            FAL_TIME_SCALE,
            TOOLS_SCHEMA_PROFILE,
            HTTP_BIND,
            HTTP_PUBLIC_URL,
            HTTP_MAX_BODY,
            HTTP_MAX_SESSIONS,
            HTTP_SESSION_IDLE,
            AUTH_ISSUER,
            AUTH_JWKS_URL,
            AUTH_AUDIENCE,
            AUTH_TOKENS_FILE,
            LIMIT_CONCURRENT_JOBS,
            LIMIT_DAILY_USD,
            FAL_WEBHOOK_JWKS,
            BUDGET_CONFIRM_ABOVE_USD,
            INPUTS_ALLOWED_HOSTS);

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

    /** The environment variable that sets {@code key}. */
    public static String envName(String key) {
        return FAL_KEY.equals(key)
                ? "FAL_KEY"
                : "KLING_MCP_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public ServerConfig load() {
        checkKeys(overrides, "command-line option");
        Map<String, String> file = readFile();
        Source s = new Source(overrides, env, file);

        String key = env.get("FAL_KEY");
        if (key != null && key.isBlank()) {
            key = null;
        }
        if (key == null && env.get("FAL_KEY_ID") != null && env.get("FAL_KEY_SECRET") != null) {
            key = env.get("FAL_KEY_ID") + ":" + env.get("FAL_KEY_SECRET");
        }
        String base = s.get(FAL_BASE_URL);
        URI queue = url(
                FAL_QUEUE_URL,
                s.get(FAL_QUEUE_URL),
                base != null ? url(FAL_BASE_URL, base, null) : ServerConfig.FAL_QUEUE_URL);
        URI rest = url(
                FAL_REST_URL,
                s.get(FAL_REST_URL),
                base != null ? url(FAL_BASE_URL, base, null) : ServerConfig.FAL_REST_URL);

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
            ledger = "jdbc:sqlite:" + stateHome().resolve("kling-mcp").resolve("jobs.db");
        } else if (!LedgerUrls.supported(ledger)) {
            throw new ConfigException(LEDGER_URL + " (" + envName(LEDGER_URL) + ") = '" + LedgerUrls.redact(ledger)
                    + "' is not usable; allowed: a SQLite JDBC URL such as jdbc:sqlite:/path/to/jobs.db (one process),"
                    + " or a PostgreSQL one such as jdbc:postgresql://db.example.com:5432/kling (several replicas)");
        }
        ledger = withCredentials(ledger, s.get(LEDGER_USER), s.get(LEDGER_PASSWORD));
        String price = s.get(PRICE_FILE);

        ServerConfig.Timeouts d = ServerConfig.Timeouts.defaults();
        ServerConfig.Timeouts timeouts = new ServerConfig.Timeouts(
                seconds(s, TIMEOUT_CONNECT, d.connect()),
                seconds(s, TIMEOUT_REQUEST, d.request()),
                seconds(s, TIMEOUT_SUBMIT, d.submit()),
                seconds(s, TIMEOUT_STREAM_IDLE, d.streamIdle()),
                seconds(s, TIMEOUT_TRANSFER, d.transfer()),
                Duration.ofSeconds(number(s, TIMEOUT_TOOL_CALL, d.toolCall().toSeconds(), 5, 3600)),
                seconds(s, TIMEOUT_NOT_ACCEPTED, d.notAcceptedAfter()));
        ServerConfig.Retry r = ServerConfig.Retry.defaults();
        ServerConfig.Retry retry = new ServerConfig.Retry(
                (int) number(s, RETRY_MAX_ATTEMPTS, r.maxAttempts(), 1, 20),
                Duration.ofMillis(number(s, RETRY_BASE_DELAY, r.baseDelay().toMillis(), 1, 600_000)),
                Duration.ofMillis(number(s, RETRY_MAX_DELAY, r.maxDelay().toMillis(), 1, 3_600_000)));

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
                decimal(s, FAL_TIME_SCALE, 1.0, 0.001, 1_000_000),
                s.get(BUDGET_CONFIRM_ABOVE_USD) == null ? null : decimal(s, BUDGET_CONFIRM_ABOVE_USD, 0, 0, 1_000_000),
                s.get(UPLOAD_MAX_BYTES) == null ? null : number(s, UPLOAD_MAX_BYTES, 0, 1, 1L << 40),
                hosts(s.get(INPUTS_ALLOWED_HOSTS)));
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
        String v = new Source(overrides, env, readFile()).get(TOOLS_SCHEMA_PROFILE);
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
        Source s = new Source(overrides, env, readFile());
        HttpSettings d = HttpSettings.loopback();
        String bind = s.get(HTTP_BIND);
        String publicUrl = s.get(HTTP_PUBLIC_URL);
        URI resource = publicUrl == null ? null : url(HTTP_PUBLIC_URL, publicUrl, null);
        String issuer = s.get(AUTH_ISSUER);
        String audience = s.get(AUTH_AUDIENCE);
        if (issuer != null && audience == null && resource == null) {
            throw new ConfigException(AUTH_ISSUER + " needs " + HTTP_PUBLIC_URL + " (" + envName(HTTP_PUBLIC_URL)
                    + ") or " + AUTH_AUDIENCE + ": tokens must name this server as their audience; allowed: the URL"
                    + " clients use for the MCP endpoint, such as https://mcp.example.com/mcp");
        }
        String jwks = s.get(AUTH_JWKS_URL);
        String tokens = s.get(AUTH_TOKENS_FILE);
        Path tokensFile = tokens == null ? null : path(tokens, null);
        if (tokensFile != null && !Files.isRegularFile(tokensFile)) {
            throw new ConfigException(AUTH_TOKENS_FILE + " = '" + tokens + "': no such file");
        }
        HttpSettings.Auth auth = new HttpSettings.Auth(
                // The issuer is compared character for character with the token's iss: a trailing slash matters.
                issuer == null ? null : URI.create(url(AUTH_ISSUER, issuer, null) + (issuer.endsWith("/") ? "/" : "")),
                jwks == null ? null : url(AUTH_JWKS_URL, jwks, null),
                audience != null ? audience : resource == null ? null : resource.toString(),
                tokensFile);
        return new HttpSettings(
                bind == null ? d.bind() : bind.strip(),
                resource,
                number(s, HTTP_MAX_BODY, d.maxBodyBytes(), 1024, 1L << 30),
                (int) number(s, HTTP_MAX_SESSIONS, d.maxSessions(), 1, 100_000),
                seconds(s, HTTP_SESSION_IDLE, d.sessionIdle()),
                auth,
                s.get(UPLOAD_ROOTS) != null,
                new HttpSettings.Limits(
                        (int) number(s, LIMIT_CONCURRENT_JOBS, 0, 0, 100_000),
                        decimal(s, LIMIT_DAILY_USD, 0, 0, 1_000_000)),
                s.get(FAL_WEBHOOK_JWKS) == null ? null : url(FAL_WEBHOOK_JWKS, s.get(FAL_WEBHOOK_JWKS), null));
    }

    /** The background follower of {@code serve}. */
    public FollowSettings loadFollow() {
        checkKeys(overrides, "command-line option");
        Source s = new Source(overrides, env, readFile());
        FollowSettings d = FollowSettings.defaults();
        return new FollowSettings(
                flag(s, FOLLOW_ENABLED, d.enabled()),
                seconds(s, FOLLOW_INTERVAL, d.interval()),
                seconds(s, FOLLOW_LEASE, d.lease()),
                flag(s, FOLLOW_DOWNLOAD, d.download()),
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

    private static boolean flag(Source s, String key, boolean fallback) {
        String v = s.get(key);
        if (v == null) {
            return fallback;
        }
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(
                    key + " (" + envName(key) + ") = '" + v + "' is not usable; allowed: true or false");
        };
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

    private URI url(String key, String value, URI fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            URI u = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new URISyntaxException(value, "not an absolute http(s) URL");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new ConfigException(key + " (" + envName(key) + ") = '" + value
                    + "' is not usable; allowed: an absolute http:// or https:// URL such as https://queue.fal.run");
        }
    }

    private Path path(String value, Path fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String v = value.startsWith("~/") ? home + value.substring(1) : value;
        return workingDir.resolve(v).normalize();
    }

    private static Duration seconds(Source s, String key, Duration fallback) {
        return Duration.ofSeconds(number(s, key, fallback.toSeconds(), 1, 86_400));
    }

    private static long number(Source s, String key, long fallback, long min, long max) {
        return (long) bounded(
                s,
                key,
                (double) fallback,
                (double) min,
                (double) max,
                Long::parseLong,
                "a whole number from " + min + " to " + max);
    }

    private static double decimal(Source s, String key, double fallback, double min, double max) {
        return bounded(s, key, fallback, min, max, Double::parseDouble, "a number from " + min + " to " + max);
    }

    private static double bounded(
            Source s,
            String key,
            double fallback,
            double min,
            double max,
            ToDoubleFunction<String> parser,
            String allowed) {
        String v = s.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            double n = parser.applyAsDouble(v.strip());
            if (!(n >= min && n <= max)) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " (" + envName(key) + ") = '" + v + "' is not usable; allowed: " + allowed);
        }
    }

    /** Looks a key up in overrides, then the environment, then the file. */
    private record Source(Map<String, String> overrides, Map<String, String> env, Map<String, String> file) {
        String get(String key) {
            String v = overrides.get(key);
            if (v == null) {
                v = env.get(envName(key));
            }
            if (v == null) {
                v = file.get(key);
            }
            return v == null || v.isBlank() ? null : v;
        }
    }
}
