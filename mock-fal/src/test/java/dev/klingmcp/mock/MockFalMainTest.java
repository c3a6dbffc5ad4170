package dev.klingmcp.mock;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MockFalMainTest {

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = MockFalMain.commandLine(new MockFalMain());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("mock-fal: " + e.getMessage());
            return 2;
        });
        return cli.execute(args);
    }

    @Test
    void helpListsTheOptions() {
        StringWriter out = new StringWriter();
        assertThat(run(out, new StringWriter(), "--help")).isZero();
        assertThat(out.toString()).contains("--port", "--speed", "--manual-clock", "--fault", "--api-key", "--strict");
    }

    @Test
    void helpShowsTheDefaultsTheOptionsObjectReallyHas() {
        StringWriter out = new StringWriter();
        run(out, new StringWriter(), "--help");
        MockFalOptions library = new MockFalOptions();
        String help = out.toString().replaceAll("\\s+", " "); // picocli wraps long lines
        assertThat(help)
                .contains("(default: " + MockFalMain.DEFAULT_PORT + ")")
                .contains("(default: " + library.getHost() + ")")
                .contains("(default: " + library.getSsePingInterval().toSeconds() + ")")
                .contains("(default: " + library.getUserId() + ")")
                .doesNotContain("default: null");
    }

    @Test
    void optionsBindOntoTheOptionsObjectAndUntouchedOnesKeepItsDefaults() throws Exception {
        MockFalMain main = new MockFalMain();
        MockFalMain.commandLine(main)
                .parseArgs("--speed", "60", "--ping", "0.5", "--result-retention", "3600", "--strict", "--quiet");
        MockFalOptions options = main.toOptions();
        MockFalOptions library = new MockFalOptions();
        assertThat(options.getSpeed()).isEqualTo(60);
        assertThat(options.getSsePingInterval()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(options.getResultRetention()).isEqualTo(java.time.Duration.ofHours(1));
        assertThat(options.isStrictValidation()).isTrue();
        assertThat(options.isLogRequests()).isFalse();
        assertThat(options.getPort()).isEqualTo(MockFalMain.DEFAULT_PORT);
        assertThat(options.getHost()).isEqualTo(library.getHost());
        assertThat(options.getSeed()).isEqualTo(library.getSeed());
        assertThat(options.isManualClock()).isFalse();
        assertThat(options.getStorageDir()).isNull();
    }

    @Test
    void badValuesAreRefusedWithAReasonBeforeAnythingStarts() {
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "--speed", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("speed must be a positive");

        StringWriter err2 = new StringWriter();
        assertThat(run(new StringWriter(), err2, "--port", "0", "--fault", "status=418"))
                .isEqualTo(2);
        assertThat(err2.toString()).contains("status=418");

        assertThat(run(new StringWriter(), new StringWriter(), "--no-such-option"))
                .isNotZero();
    }

    @Test
    void aScenarioFileSetsClockAndFaultsAndExplicitOptionsWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("busy.json");
        Files.writeString(file, "{\"clock\":{\"mode\":\"manual\"},\"faults\":\"submit=429x2,job=stuck\"}");
        MockFalMain main = new MockFalMain();
        new CommandLine(main).parseArgs("--scenario", file.toString(), "--fault", "status=503");
        MockFalOptions options = main.toOptions();
        assertThat(options.isManualClock()).isTrue();
        assertThat(options.getFaults().scripts().toString()).contains("SUBMIT", "STATUS");
        assertThat(options.getFaults().jobScript()).hasSize(1);

        MockFalMain fast = new MockFalMain();
        new CommandLine(fast).parseArgs("--scenario", file.toString(), "--speed", "60");
        assertThat(fast.toOptions().isManualClock()).isFalse();
        assertThat(fast.toOptions().getSpeed()).isEqualTo(60);

        Files.writeString(file, "{\"clock\":{\"mode\":\"manual\",\"speed\":-1}}");
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "--scenario", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("scenario", "speed");
    }
}
