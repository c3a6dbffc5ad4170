package dev.klingmcp.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.server.config.ConfigKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code config} shows every setting serve reads (a person checking a --set must see it), never a secret. */
class ConfigCommandTest {

    /** Not shown as such: the base URL becomes the queue and REST URLs, the file is where the rest came from. */
    private static final List<String> NOT_SHOWN = List.of(
            ConfigKeys.FAL_BASE_URL, ConfigKeys.CONFIG_FILE, ConfigKeys.LEDGER_USER, ConfigKeys.LEDGER_PASSWORD);

    @TempDir
    Path tmp;

    @Test
    void everySettingIsShownWithTheValueServeWouldUse() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int exit = new CommandLine(new KlingMcpCommand(new PrintStream(stdout, true, StandardCharsets.UTF_8)))
                .execute(
                        "config",
                        "--json",
                        "--set",
                        "ledger.url=jdbc:sqlite:" + tmp.resolve("jobs.db"),
                        "--set",
                        "tools.schema-profile=full",
                        "--set",
                        "limits.daily-usd=20",
                        "--set",
                        "follow.download=true",
                        "--set",
                        "timeout.tool-call-seconds=30",
                        "--set",
                        "ledger.password=hunter2");
        assertThat(exit).isZero();
        String text = stdout.toString(StandardCharsets.UTF_8);
        JsonNode config = new ObjectMapper().readTree(text);
        assertThat(config.path("tools.schema-profile").asText()).isEqualTo("full");
        assertThat(config.path("limits.daily-usd").asDouble()).isEqualTo(20.0);
        assertThat(config.path("follow.download").asBoolean()).isTrue();
        assertThat(config.path("timeout.tool-call-seconds").asInt()).isEqualTo(30);
        for (String key : ConfigKeys.KEYS) {
            if (!NOT_SHOWN.contains(key)) {
                assertThat(config.has(key)).as(key).isTrue();
            }
        }
        assertThat(text).doesNotContain("hunter2");
    }
}
