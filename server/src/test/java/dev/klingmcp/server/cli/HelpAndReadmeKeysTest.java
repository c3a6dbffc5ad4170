package dev.klingmcp.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.config.ConfigKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What a person reads first: {@code --help} in an 80-column terminal (picocli wraps longer lines without their
 * indentation), and every setting the server reads named by {@code --set}'s help and listed in README.md's table.
 */
class HelpAndReadmeKeysTest {

    private static CommandLine cli() {
        return new CommandLine(new KlingMcpCommand(new PrintStream(System.out, true, StandardCharsets.UTF_8)));
    }

    @Test
    void theEnvironmentFooterKeepsItsIndentationAt80Columns() {
        String help = cli().getUsageMessage(CommandLine.Help.Ansi.OFF);
        String footer = help.substring(help.indexOf("Environment:"));
        List<String> lines = footer.lines().toList();
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
        assertThat(lines)
                .filteredOn(l -> l.contains("read from the environment only"))
                .singleElement()
                .satisfies(l -> assertThat(l).startsWith(" ".repeat(29)));
    }

    @Test
    void setsHelpNamesEveryKeyOrItsGroup() {
        String set = String.join(" ", cli().getCommandSpec().findOption("--set").description());
        for (String key : ConfigKeys.KEYS) {
            String group = key.substring(0, key.indexOf('.')) + ".*";
            boolean timeout = key.startsWith("timeout.") && key.endsWith("-seconds");
            assertThat(set.contains(key) || set.contains(group) || (timeout && set.contains("timeout.*-seconds")))
                    .as(key)
                    .isTrue();
        }
    }

    @Test
    void readmesConfigurationTableListsEveryKey() {
        String readme = readme();
        String table = readme.substring(readme.indexOf("## Configuration"), readme.indexOf("## Deploying"));
        List<String> missing = ConfigKeys.KEYS.stream()
                .filter(k -> !table.contains("`" + k + "`"))
                .toList();
        assertThat(missing)
                .as("keys the server reads that README.md's Configuration does not list")
                .isEmpty();
    }

    private static String readme() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("README.md"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("README.md above " + Path.of("").toAbsolutePath()).isNotNull();
        try {
            return Files.readString(dir.resolve("README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
