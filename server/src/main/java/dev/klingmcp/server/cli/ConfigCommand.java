package dev.klingmcp.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.config.ConfigException;
import dev.klingmcp.server.config.ConfigKeys;
import dev.klingmcp.server.config.FollowSettings;
import dev.klingmcp.server.config.HttpSettings;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.config.ServerConfigLoader;
import dev.klingmcp.server.config.ToolSchemaProfile;
import dev.klingmcp.server.tools.ToolJson;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code config}: the settings serve would use, resolved the same way, with the key masked. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "The effective configuration (command line, environment, file, defaults); the key is masked.",
        footer = {"", KlingMcpCommand.ENVIRONMENT_HELP})
final class ConfigCommand implements Callable<Integer> {

    @ParentCommand
    KlingMcpCommand parent;

    @Mixin
    ServeOptions options = new ServeOptions();

    @Mixin
    SettingsReport report = new SettingsReport();

    @Override
    public Integer call() {
        return report.run(parent, options, "config", (config, stdout) -> {
            ObjectNode out = describe(config);
            try {
                // The settings serve reads beside ServerConfig, loaded (and checked) exactly as serve loads them.
                ServerConfigLoader loader = ServerConfigLoader.fromSystem().overrides(options.overrides());
                describeServe(out, loader.loadToolSchemaProfile(), loader.loadFollow(), loader.loadHttp());
            } catch (ConfigException e) {
                System.err.println("kling-mcp: " + e.getMessage());
                return 2;
            }
            if (report.json) {
                stdout.println(out.toPrettyString());
            } else {
                out.properties().forEach(e -> stdout.println(e.getKey() + " = " + text(e.getValue())));
            }
            return 0;
        });
    }

    /** Every setting by its key; the fal key only as "set (***)" or "not set". */
    static ObjectNode describe(ServerConfig c) {
        ObjectNode out = ToolJson.object();
        out.put("fal.key", c.falKey().isPresent() ? "set (***)" : "not set");
        out.put(ConfigKeys.FAL_QUEUE_URL, c.queueUrl().toString());
        out.put(ConfigKeys.FAL_REST_URL, c.restUrl().toString());
        out.put(ConfigKeys.OUTPUT_DIR, c.outputDir().toString());
        var roots = out.putArray(ConfigKeys.UPLOAD_ROOTS);
        c.uploadRoots().forEach(r -> roots.add(r.toString()));
        out.put(ConfigKeys.LEDGER_URL, dev.klingmcp.server.ledger.LedgerUrls.redact(c.ledgerUrl()));
        out.put(ConfigKeys.LEDGER_POOL_SIZE, c.ledgerPoolSize());
        out.put(
                ConfigKeys.PRICE_FILE,
                c.priceFile() == null ? null : c.priceFile().toString());
        for (Map.Entry<String, java.time.Duration> t : Map.of(
                        ConfigKeys.TIMEOUT_CONNECT, c.timeouts().connect(),
                        ConfigKeys.TIMEOUT_REQUEST, c.timeouts().request(),
                        ConfigKeys.TIMEOUT_SUBMIT, c.timeouts().submit(),
                        ConfigKeys.TIMEOUT_STREAM_IDLE, c.timeouts().streamIdle(),
                        ConfigKeys.TIMEOUT_TRANSFER, c.timeouts().transfer(),
                        ConfigKeys.TIMEOUT_TOOL_CALL, c.timeouts().toolCall(),
                        ConfigKeys.TIMEOUT_NOT_ACCEPTED, c.timeouts().notAcceptedAfter())
                .entrySet()
                .stream()
                .sorted(Map.Entry.comparingByKey())
                .toList()) {
            out.put(t.getKey(), t.getValue().toSeconds());
        }
        out.put(ConfigKeys.RETRY_MAX_ATTEMPTS, c.retry().maxAttempts());
        out.put(ConfigKeys.RETRY_BASE_DELAY, c.retry().baseDelay().toMillis());
        out.put(ConfigKeys.RETRY_MAX_DELAY, c.retry().maxDelay().toMillis());
        out.put(ConfigKeys.FAL_TIME_SCALE, c.timeScale());
        if (c.confirmAboveUsd() == null) {
            out.putNull(ConfigKeys.BUDGET_CONFIRM_ABOVE_USD);
        } else {
            out.put(ConfigKeys.BUDGET_CONFIRM_ABOVE_USD, c.confirmAboveUsd());
        }
        if (c.uploadMaxBytes() == null) {
            out.putNull(ConfigKeys.UPLOAD_MAX_BYTES);
        } else {
            out.put(ConfigKeys.UPLOAD_MAX_BYTES, c.uploadMaxBytes());
        }
        var hosts = out.putArray(ConfigKeys.INPUTS_ALLOWED_HOSTS);
        c.allowedHosts().forEach(hosts::add);
        return out;
    }

    /** The settings of serve that are not in ServerConfig: the schema profile, the follower, HTTP, auth, limits. */
    static void describeServe(ObjectNode out, ToolSchemaProfile profile, FollowSettings follow, HttpSettings http) {
        out.put(ConfigKeys.TOOLS_SCHEMA_PROFILE, profile.name().toLowerCase(java.util.Locale.ROOT));
        out.put(ConfigKeys.FOLLOW_ENABLED, follow.enabled());
        out.put(ConfigKeys.FOLLOW_INTERVAL, follow.interval().toSeconds());
        out.put(ConfigKeys.FOLLOW_LEASE, follow.lease().toSeconds());
        out.put(ConfigKeys.FOLLOW_DOWNLOAD, follow.download());
        out.put(ConfigKeys.HTTP_BIND, http.bind());
        out.put(
                ConfigKeys.HTTP_PUBLIC_URL,
                http.publicUrl() == null ? null : http.publicUrl().toString());
        out.put(ConfigKeys.HTTP_MAX_BODY, http.maxBodyBytes());
        out.put(ConfigKeys.HTTP_MAX_SESSIONS, http.maxSessions());
        out.put(ConfigKeys.HTTP_SESSION_IDLE, http.sessionIdle().toSeconds());
        HttpSettings.Auth auth = http.auth();
        out.put(
                ConfigKeys.AUTH_ISSUER,
                auth.issuer() == null ? null : auth.issuer().toString());
        out.put(
                ConfigKeys.AUTH_JWKS_URL,
                auth.jwksUrl() == null ? null : auth.jwksUrl().toString());
        out.put(ConfigKeys.AUTH_AUDIENCE, auth.audience());
        out.put(
                ConfigKeys.AUTH_TOKENS_FILE,
                auth.tokensFile() == null ? null : auth.tokensFile().toString());
        out.put(ConfigKeys.LIMIT_CONCURRENT_JOBS, http.limits().concurrentJobs());
        out.put(ConfigKeys.LIMIT_DAILY_USD, http.limits().dailyUsd());
        out.put(
                ConfigKeys.FAL_WEBHOOK_JWKS,
                http.falWebhookJwks() == null ? null : http.falWebhookJwks().toString());
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode v) {
        return v.isTextual() ? v.asText() : v.isNull() ? "(not set)" : v.toString();
    }
}
