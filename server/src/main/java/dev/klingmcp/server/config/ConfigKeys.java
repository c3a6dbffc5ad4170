package dev.klingmcp.server.config;

import java.util.List;
import java.util.Locale;

/**
 * The names of the settings. Every setting has a property key (used in the optional properties file and in
 * command-line overrides such as {@code --set output.dir=/tmp/videos}) and an environment variable derived from it:
 * {@code KLING_MCP_} + the key upper-cased with {@code .} and {@code -} turned into {@code _}
 * (e.g. {@code output.dir} → {@code KLING_MCP_OUTPUT_DIR}). The fal key is the exception: {@code FAL_KEY}, or
 * {@code FAL_KEY_ID} + {@code FAL_KEY_SECRET} as fal's own clients read it.
 */
public final class ConfigKeys {

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
    public static final String LEDGER_POOL_SIZE = "ledger.pool-size";
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
            LEDGER_POOL_SIZE,
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

    /** The environment variable that sets {@code key}. */
    public static String envName(String key) {
        return FAL_KEY.equals(key)
                ? "FAL_KEY"
                : "KLING_MCP_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private ConfigKeys() {}
}
