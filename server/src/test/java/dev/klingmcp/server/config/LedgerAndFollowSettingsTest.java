package dev.klingmcp.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ledger.*} (SQLite or PostgreSQL, credentials) and {@code follow.*} (the background follower). */
class LedgerAndFollowSettingsTest {

    @TempDir
    Path dir;

    private ServerConfigLoader loader(Map<String, String> env) {
        return new ServerConfigLoader().env(env).workingDir(dir).home(dir);
    }

    @Test
    void aPostgresLedgerTakesItsCredentialsAsDriverParametersAndNeverShowsThePassword() {
        ServerConfig c = loader(Map.of(
                        "KLING_MCP_LEDGER_URL", "jdbc:postgresql://db:5432/kling?sslmode=require",
                        "KLING_MCP_LEDGER_USER", "kling",
                        "KLING_MCP_LEDGER_PASSWORD", "p&ss=w rd"))
                .load();
        assertThat(c.ledgerUrl())
                .isEqualTo("jdbc:postgresql://db:5432/kling?sslmode=require&user=kling&password=p%26ss%3Dw+rd");
        assertThat(c.toString()).contains("password=***").doesNotContain("p%26ss");
        assertThat(loader(Map.of("KLING_MCP_LEDGER_URL", "jdbc:postgresql://db/kling", "KLING_MCP_LEDGER_USER", "u"))
                        .load()
                        .ledgerUrl())
                .isEqualTo("jdbc:postgresql://db/kling?user=u");
        // SQLite has no users: the settings leave its URL alone
        assertThat(loader(Map.of("KLING_MCP_LEDGER_URL", "jdbc:sqlite:/x/jobs.db", "KLING_MCP_LEDGER_USER", "u"))
                        .load()
                        .ledgerUrl())
                .isEqualTo("jdbc:sqlite:/x/jobs.db");
    }

    @Test
    void thePoolSizeIsASettingWithTheOldFixedSizeAsItsDefault() {
        assertThat(loader(Map.of()).load().ledgerPoolSize()).isEqualTo(8);
        assertThat(loader(Map.of("KLING_MCP_LEDGER_POOL_SIZE", "24")).load().ledgerPoolSize())
                .isEqualTo(24);
        assertThat(loader(Map.of("KLING_MCP_LEDGER_POOL_SIZE", "24"))
                        .overrides(Map.of("ledger.pool-size", "3"))
                        .load()
                        .ledgerPoolSize())
                .as("the command line wins")
                .isEqualTo(3);
        assertThat(loader(Map.of("KLING_MCP_LEDGER_POOL_SIZE", "24")).load().withLedgerUrl("jdbc:sqlite:/x.db"))
                .extracting(ServerConfig::ledgerPoolSize)
                .as("kept by copies")
                .isEqualTo(24);
        assertThatThrownBy(
                        () -> loader(Map.of("KLING_MCP_LEDGER_POOL_SIZE", "0")).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ledger.pool-size");
    }

    @Test
    void anyOtherDatabaseIsRefusedNamingBothThatWork() {
        assertThatThrownBy(() -> loader(Map.of("KLING_MCP_LEDGER_URL", "jdbc:mysql://db/k?password=secret"))
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("jdbc:sqlite:")
                .hasMessageContaining("jdbc:postgresql:")
                .hasMessageNotContaining("secret");
    }

    @Test
    void theFollowerRunsByDefaultAndItsSettingsAreChecked() {
        assertThat(loader(Map.of()).loadFollow()).isEqualTo(FollowSettings.defaults());
        FollowSettings f = loader(Map.of(
                        "KLING_MCP_FOLLOW_INTERVAL_SECONDS", "2",
                        "KLING_MCP_FOLLOW_LEASE_SECONDS", "10",
                        "KLING_MCP_FOLLOW_DOWNLOAD", "yes"))
                .loadFollow();
        assertThat(f.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(f.lease()).isEqualTo(Duration.ofSeconds(10));
        assertThat(f.download()).isTrue();
        assertThat(loader(Map.of("KLING_MCP_FOLLOW_ENABLED", "false"))
                        .loadFollow()
                        .enabled())
                .isFalse();
        assertThatThrownBy(() ->
                        loader(Map.of("KLING_MCP_FOLLOW_DOWNLOAD", "maybe")).loadFollow())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("true or false");
        assertThatThrownBy(() ->
                        loader(Map.of("KLING_MCP_FOLLOW_LEASE_SECONDS", "5")).loadFollow())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("twice");
    }
}
