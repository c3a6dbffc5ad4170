package dev.klingmcp.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A failed doctor check says why, so the person knows what to fix (the line used to name only what was checked). */
class DoctorCommandTest {

    @TempDir
    Path tmp;

    @Test
    void aFailedCheckSaysWhy() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Path notAFolder = Files.writeString(tmp.resolve("file"), "x");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int exit = new CommandLine(new KlingMcpCommand(new PrintStream(stdout, true, StandardCharsets.UTF_8)))
                .execute(
                        "doctor",
                        "--json",
                        "--set",
                        "fal.base-url=http://127.0.0.1:" + closedPort,
                        "--set",
                        "ledger.url=jdbc:sqlite:" + tmp.resolve("jobs.db"),
                        "--set",
                        "output.dir=" + notAFolder.resolve("videos"));
        assertThat(exit).isEqualTo(1);
        JsonNode report = new ObjectMapper().readTree(stdout.toString(StandardCharsets.UTF_8));
        JsonNode reachable = check(report, "fal_reachable");
        assertThat(reachable.path("ok").asBoolean()).isFalse();
        assertThat(reachable.path("detail").asText()).contains("no answer (").contains("Exception");
        JsonNode output = check(report, "output_writable");
        assertThat(output.path("ok").asBoolean()).isFalse();
        assertThat(output.path("detail").asText()).contains("not writable (");
        assertThat(check(report, "ledger_writable").path("ok").asBoolean()).isTrue();
    }

    private static JsonNode check(JsonNode report, String name) {
        for (JsonNode c : report.path("checks")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + report);
    }
}
