package dev.klingmcp.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.config.ConfigKeys;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --mock-speed} reaches the config as the ETA time scale; without {@code --mock} nothing is scaled. */
class ServeOptionsTest {

    private static ServeOptions parse(String... args) {
        ServeOptions options = new ServeOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void theMockSpeedBecomesTheTimeScale() {
        assertThat(parse("--mock", "--mock-speed", "25").overrides()).containsEntry(ConfigKeys.FAL_TIME_SCALE, "25.0");
        assertThat(parse("--mock").overrides()).containsEntry(ConfigKeys.FAL_TIME_SCALE, "60.0");
    }

    @Test
    void withoutMockTheTimeScaleIsLeftToTheSettings() {
        assertThat(parse("--http").overrides()).doesNotContainKey(ConfigKeys.FAL_TIME_SCALE);
    }

    @Test
    void optionsThatOnlyMakeSenseTogetherAreCheckedTogether() {
        assertThat(parse("--port", "9000").invalidCombination()).contains("--port 9000 needs --http");
        assertThat(parse("--mock-speed", "25").invalidCombination()).contains("--mock-speed needs --mock");
        assertThat(parse("--http", "--port", "70000").invalidCombination()).contains("out of range");
        assertThat(parse("--mock", "--mock-speed", "0").invalidCombination()).contains("out of range");
        assertThat(parse("--http", "--port", "0", "--mock", "--mock-speed", "1000")
                        .invalidCombination())
                .isNull();
        assertThat(parse().invalidCombination()).isNull();
        assertThat(parse().port()).isEqualTo(8765);
    }
}
