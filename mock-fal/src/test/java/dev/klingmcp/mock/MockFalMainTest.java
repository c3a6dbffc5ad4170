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
        CommandLine cli = new CommandLine(new MockFalMain());
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
