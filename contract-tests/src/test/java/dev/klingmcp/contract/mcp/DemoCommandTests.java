package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.testing.video.Mp4Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, {@code java -jar server/target/kling-mcp.jar demo}, run from an empty working directory
 * with an empty home: it must exit 0 and the MP4 it says it saved must exist and decode.
 */
class DemoCommandTests {

    private static final Pattern MP4_PATH = Pattern.compile("([^\\s'\"=:]+\\.mp4)");

    @TempDir
    Path root;

    @Test
    @Timeout(value = 200, unit = TimeUnit.SECONDS)
    void demoFromACleanDirectorySavesADecodableMp4() throws Exception {
        ServerCommand.assumeServerBuilt();
        Path work = Files.createDirectories(root.resolve("clean-work-dir"));
        Path stdout = root.resolve("demo-stdout.txt");
        Path stderr = root.resolve("demo-stderr.txt");
        ServerCommand command = ServerCommand.of("demo");
        ProcessBuilder builder = new ProcessBuilder(command.commandLine())
                .directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("FAL_") || k.startsWith("KLING_MCP_") || k.startsWith("XDG_"));
        env.putAll(ServerSetup.isolatedHome(root));
        Process process = builder.start();
        boolean exited = process.waitFor(180, TimeUnit.SECONDS);
        if (!exited) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String out = Files.readString(stdout) + "\n" + Files.readString(stderr);
        assertThat(exited)
                .as("demo finished within 3 minutes (%s); output:%n%s", command.describe(), tail(out))
                .isTrue();
        assertThat(process.exitValue())
                .as("demo exit code; output:%n%s", tail(out))
                .isZero();

        List<Path> saved = mp4Paths(out, work);
        assertThat(saved)
                .as("an MP4 path the demo printed, existing on disk; output:%n%s", tail(out))
                .isNotEmpty();
        Mp4Probe video = Mp4Probe.of(saved.get(0));
        assertThat(video.decodedFrames()).isPositive();
        assertThat(video.durationSeconds()).isPositive();
    }

    private static List<Path> mp4Paths(String output, Path work) {
        Matcher m = MP4_PATH.matcher(output);
        Stream.Builder<Path> paths = Stream.builder();
        while (m.find()) {
            paths.add(Path.of(m.group(1)));
        }
        return paths.build()
                .map(p -> p.isAbsolute() ? p : work.resolve(p))
                .filter(Files::isRegularFile)
                .distinct()
                .toList();
    }

    private static String tail(String text) {
        return text.length() > 4000 ? "…" + text.substring(text.length() - 4000) : text;
    }
}
