package dev.klingmcp.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The demo's options are checked before it starts anything (mock, server, client). */
class DemoOptionsTest {

    private static DemoCommand parse(String... args) {
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs(args);
        return demo;
    }

    @Test
    void badOptionsAreOneLineErrorsNamingWhatIsAllowed() {
        assertThat(parse("--duration", "99").invalidOption())
                .contains("--duration 99")
                .contains("3 to 15");
        assertThat(parse("--model", "o3/bogus").invalidOption())
                .contains("o3/bogus")
                .contains("o3/standard/image-to-video");
        assertThat(parse("--speed", "-1").invalidOption()).contains("out of range");
        assertThat(parse().invalidOption()).isNull();
        assertThat(parse("--mock-speed", "100", "--duration", "15").invalidOption())
                .isNull();
    }
}
