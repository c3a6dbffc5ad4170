package dev.klingmcp.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigLoaderTest {

    @TempDir
    Path dir;

    private ServerConfigLoader loader(Map<String, String> env) {
        return new ServerConfigLoader().env(env).workingDir(dir.resolve("work")).home(dir.resolve("home"));
    }

    @Test
    void defaultsPointAtFalAndTheXdgStateFolder() {
        ServerConfig c = loader(Map.of()).load();
        assertThat(c.queueUrl()).isEqualTo(URI.create("https://queue.fal.run"));
        assertThat(c.restUrl()).isEqualTo(URI.create("https://rest.fal.ai"));
        assertThat(c.isMock()).isFalse();
        assertThat(c.falKey().isPresent()).isFalse();
        assertThat(c.ledgerUrl()).isEqualTo("jdbc:sqlite:" + dir.resolve("home/.local/state/kling-mcp/jobs.db"));
        // Nothing depends on the working directory: no upload root at all, videos in the XDG data folder.
        assertThat(c.uploadRoots()).isEmpty();
        assertThat(c.outputDir()).isEqualTo(dir.resolve("home/.local/share/kling-mcp/videos"));
        assertThat(loader(Map.of("XDG_DATA_HOME", "/data")).load().outputDir())
                .isEqualTo(Path.of("/data/kling-mcp/videos"));
        assertThat(c.timeouts()).isEqualTo(ServerConfig.Timeouts.defaults());
    }

    @Test
    void xdgStateHomeIsUsedWhenAbsolute() {
        assertThat(loader(Map.of("XDG_STATE_HOME", "/var/state")).load().ledgerUrl())
                .isEqualTo("jdbc:sqlite:/var/state/kling-mcp/jobs.db");
        assertThat(loader(Map.of("XDG_STATE_HOME", "relative")).load().ledgerUrl())
                .isEqualTo("jdbc:sqlite:" + dir.resolve("home/.local/state/kling-mcp/jobs.db"));
    }

    @Test
    void overridesBeatEnvironmentWhichBeatsTheFile() throws Exception {
        Path file = dir.resolve("kling.properties");
        Files.writeString(file, "output.dir=/from/file\ntimeout.request-seconds=7\nretry.max-attempts=2\n");
        ServerConfig c = loader(Map.of(
                        "KLING_MCP_CONFIG_FILE",
                        file.toString(),
                        "KLING_MCP_OUTPUT_DIR",
                        "/from/env",
                        "KLING_MCP_RETRY_MAX_ATTEMPTS",
                        "5"))
                .overrides(Map.of("output.dir", "/from/cli"))
                .load();
        assertThat(c.outputDir()).isEqualTo(Path.of("/from/cli"));
        assertThat(c.timeouts().request()).isEqualTo(Duration.ofSeconds(7));
        assertThat(c.retry().maxAttempts()).isEqualTo(5);
    }

    @Test
    void oneBaseUrlPointsEveryFalCallAtAMock() {
        ServerConfig c = loader(Map.of("KLING_MCP_FAL_BASE_URL", "http://127.0.0.1:8765/"))
                .load();
        assertThat(c.queueUrl()).isEqualTo(URI.create("http://127.0.0.1:8765"));
        assertThat(c.restUrl()).isEqualTo(URI.create("http://127.0.0.1:8765"));
        assertThat(c.isMock()).isTrue();
    }

    @Test
    void uploadRootsAreCommaSeparated() {
        ServerConfig c =
                loader(Map.of("KLING_MCP_UPLOAD_ROOTS", "/srv/a, rel,,/srv/b")).load();
        assertThat(c.uploadRoots()).isEqualTo(List.of(Path.of("/srv/a"), dir.resolve("work/rel"), Path.of("/srv/b")));
        // ':' is part of a folder name, not a separator (it once split "/srv/a:/srv/b" silently into two roots).
        assertThat(loader(Map.of())
                        .overrides(Map.of("upload.roots", "/srv/a:b"))
                        .load()
                        .uploadRoots())
                .containsExactly(Path.of("/srv/a:b"));
    }

    @Test
    void allowedHostsAreCommaSeparatedHostsOrAddresses() {
        assertThat(loader(Map.of()).load().allowedHosts()).isEmpty();
        assertThat(loader(Map.of("KLING_MCP_INPUTS_ALLOWED_HOSTS", " Media.Internal, 10.0.0.5,,[fd00::1] "))
                        .load()
                        .allowedHosts())
                .containsExactly("media.internal", "10.0.0.5", "fd00::1");
        for (String bad : List.of("http://media.internal", "media.internal:8080", "media.internal/videos", "*.corp")) {
            assertThatThrownBy(() -> loader(Map.of())
                            .overrides(Map.of("inputs.allowed-hosts", bad))
                            .load())
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("inputs.allowed-hosts")
                    .hasMessageContaining("KLING_MCP_INPUTS_ALLOWED_HOSTS")
                    .hasMessageContaining("without scheme, port or path");
        }
    }

    @Test
    void theKeyComesFromTheEnvironmentOnly() throws Exception {
        assertThatThrownBy(() -> loader(Map.of())
                        .overrides(Map.of("fal.key", "id:secret"))
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("environment only")
                .hasMessageContaining("FAL_KEY")
                .hasMessageNotContaining("id:secret");
        Path file = dir.resolve("with-key.properties");
        Files.writeString(file, "fal.key=id:secret\n");
        assertThatThrownBy(() ->
                        loader(Map.of("KLING_MCP_CONFIG_FILE", file.toString())).load())
                .hasMessageContaining("environment only");
    }

    @Test
    void falKeyFromFalKeyOrFromIdAndSecretAndNeverPrinted() {
        ServerConfig c =
                loader(Map.of("FAL_KEY", "key-id-1234:secret-abcdefgh")).load();
        assertThat(c.falKey().reveal()).isEqualTo("key-id-1234:secret-abcdefgh");
        assertThat(c.toString())
                .doesNotContain("secret-abcdefgh")
                .doesNotContain("key-id-1234")
                .contains("FalKey[***]");
        ServerConfig split =
                loader(Map.of("FAL_KEY_ID", "id", "FAL_KEY_SECRET", "sec")).load();
        assertThat(split.falKey().reveal()).isEqualTo("id:sec");
    }

    @Test
    void badValuesNameTheKeyAndWhatIsAllowed() {
        assertThatThrownBy(() -> loader(Map.of("KLING_MCP_TIMEOUT_REQUEST_SECONDS", "soon"))
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("timeout.request-seconds")
                .hasMessageContaining("whole number from 1");
        assertThatThrownBy(() ->
                        loader(Map.of("KLING_MCP_FAL_QUEUE_URL", "ftp://x")).load())
                .hasMessageContaining("fal.queue-url")
                .hasMessageContaining("http");
        assertThatThrownBy(() ->
                        loader(Map.of("KLING_MCP_LEDGER_URL", "jdbc:h2:mem")).load())
                .hasMessageContaining("jdbc:sqlite:");
        assertThatThrownBy(() ->
                        loader(Map.of()).overrides(Map.of("output.dri", "x")).load())
                .hasMessageContaining("unknown setting 'output.dri'")
                .hasMessageContaining("output.dir");
        assertThatThrownBy(() ->
                        loader(Map.of("KLING_MCP_CONFIG_FILE", "/no/such/file")).load())
                .hasMessageContaining("no such file");
    }

    @Test
    void aTimeScaleSpeedsEtasUpOnlyAgainstAMock() {
        ServerConfig real = loader(Map.of("KLING_MCP_FAL_TIME_SCALE", "25")).load();
        assertThat(real.timeScale()).isEqualTo(25.0);
        // fal's own hosts run at fal's pace whatever the setting says.
        assertThat(real.etaTimeScale()).isEqualTo(1.0);
        assertThat(real.withFalBaseUrl(URI.create("http://127.0.0.1:8790")).etaTimeScale())
                .isEqualTo(25.0);
        assertThat(loader(Map.of()).load().timeScale()).isEqualTo(1.0);
        assertThatThrownBy(() -> loader(Map.of())
                        .overrides(Map.of("fal.time-scale", "0"))
                        .load())
                .hasMessageContaining("fal.time-scale")
                .hasMessageContaining("KLING_MCP_FAL_TIME_SCALE")
                .hasMessageContaining("a number from");
        assertThatThrownBy(() -> loader(Map.of())
                        .overrides(Map.of("fal.time-scale", "fast"))
                        .load())
                .hasMessageContaining("'fast' is not usable");
    }

    @Test
    void redactionScrubsTheKeyAndItsSecretHalf() {
        FalKey key = FalKey.of("0123abcd-id:0123456789abcdef-secret");
        assertThat(key.redact("Authorization: Key 0123abcd-id:0123456789abcdef-secret failed"))
                .isEqualTo("Authorization: Key *** failed");
        assertThat(key.redact("secret was 0123456789abcdef-secret")).isEqualTo("secret was ***");
        assertThat(FalKey.of("ab:cd").redact("a cab cd ab:cd")).isEqualTo("a cab cd ***");
        assertThat(FalKey.NONE.redact("text")).isEqualTo("text");
        assertThat(key.toString()).isEqualTo("FalKey[***]");
    }
}
