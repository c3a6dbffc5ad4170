package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as a user gets it: {@code dist/target/kling-mcp-VERSION.tar.gz} unpacked into an empty folder and
 * run only through its launcher, {@code bin/kling-mcp}: help, the demo, the class archive cache, a missing or too old
 * Java, and the MCP Inspector's CLI (a third-party client) listing the tools and pricing a dry run.
 */
class DistributionTests {

    @TempDir
    static Path root;

    private static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("contract.distArchive", "../dist/target/missing.tar.gz"))
                .toAbsolutePath()
                .normalize();
        Assumptions.assumeTrue(Files.isRegularFile(archive), "the distribution is not built: " + archive);
        Path empty = Files.createDirectories(root.resolve("unpacked"));
        Run tar = run(List.of("tar", "-xzf", archive.toString(), "-C", empty.toString()), Map.of(), empty, 60);
        assertThat(tar.exit()).as("tar: %s", tar.stderr()).isZero();
        try (Stream<Path> top = Files.list(empty)) {
            List<Path> dirs = top.toList();
            assertThat(dirs).as("one top folder in the archive").hasSize(1);
            home = dirs.get(0);
        }
    }

    @Test
    void theArchiveHoldsLaunchersJarsReadmeAndLicense() {
        assertThat(home.getFileName().toString()).startsWith("kling-mcp-");
        for (String file : List.of(
                "bin/kling-mcp",
                "bin/kling-mcp.cmd",
                "lib/kling-mcp.jar",
                "lib/kling-mcp-mock.jar",
                "lib/kling-mcp-preview.jar",
                "README.md",
                "LICENSE")) {
            assertThat(home.resolve(file)).as(file).isRegularFile();
        }
        assertThat(home.resolve("bin/kling-mcp")).isExecutable();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void helpNamesTheKeyAndTheCommands() throws Exception {
        Run help = launcher(List.of("--help"), Map.of(), 100);
        assertThat(help.exit()).as(help.stderr()).isZero();
        assertThat(help.stdout()).contains("FAL_KEY").contains("serve").contains("demo");
    }

    /** The unpacked archive finds its preview decoder in lib/: previews work out of the box. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void doctorFindsThePreviewDecoderBesideTheServerJar() throws Exception {
        Run doctor = launcher(List.of("doctor", "--json"), Map.of("KLING_MCP_CDS", "off"), 100);
        JsonNode report = ToolCall.JSON.readTree(doctor.stdout());
        JsonNode preview = null;
        for (JsonNode check : report.path("checks")) {
            if (check.path("name").asText().equals("preview_decoder")) {
                preview = check;
            }
        }
        assertThat(preview).as("doctor's checks: %s", doctor.stdout()).isNotNull();
        assertThat(preview.path("ok").asBoolean()).isTrue();
        assertThat(preview.path("detail").asText()).startsWith("JCodec");
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void theClassArchiveIsBuiltOnceReusedAndRebuiltWhenTheJarChanges() throws Exception {
        Path cache = Files.createDirectories(root.resolve("cache-test"));
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString(), "KLING_MCP_LAUNCHER_DEBUG", "1");

        Run first = launcher(List.of("--version"), env, 200);
        assertThat(first.exit()).as(first.stderr()).isZero();
        assertThat(first.stderr()).contains("class archive built");
        // stdout carries only what the program printed: never a JVM or archive log line.
        assertThat(first.stdout().strip()).matches("kling-mcp \\S+");
        Path archive = onlyArchive(cache);
        FileTime built = Files.getLastModifiedTime(archive);

        Run second = launcher(List.of("--version"), env, 60);
        assertThat(second.exit()).isZero();
        assertThat(second.stderr()).contains("class archive reused").doesNotContain("class archive built");
        assertThat(second.stdout().strip()).matches("kling-mcp \\S+");
        assertThat(onlyArchive(cache)).isEqualTo(archive);
        assertThat(Files.getLastModifiedTime(archive)).isEqualTo(built);

        // A new jar (an upgrade unpacked over the old one) is newer than the archive: the next start rebuilds it.
        Path jar = home.resolve("lib/kling-mcp.jar");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));
        Run third = launcher(List.of("--version"), env, 200);
        assertThat(third.exit()).isZero();
        assertThat(third.stderr()).contains("class archive built");
        assertThat(onlyArchive(cache)).isEqualTo(archive);
        assertThat(Files.getLastModifiedTime(archive)).isNotEqualTo(built);

        Run off = launcher(
                List.of("--version"),
                Map.of("XDG_CACHE_HOME", cache.toString(), "KLING_MCP_CDS", "off", "KLING_MCP_LAUNCHER_DEBUG", "1"),
                60);
        assertThat(off.exit()).isZero();
        assertThat(off.stderr()).doesNotContain("class archive");
    }

    /**
     * The archive is not only kept but used: on every JDK 17+ on this machine, a start after the one that built it loads
     * the default launch's classes (ours included) from it, as the JVM's own class-loading log says. The JVM would
     * silently run without an archive it rejects, which no debug line of the launcher's can show.
     */
    @Test
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    void everyJdkStartsFromTheArchiveBuiltForThisJar() throws Exception {
        for (Path jdk : jdks()) {
            Path cache = Files.createDirectories(root.resolve("cache-" + jdk.getFileName()));
            Map<String, String> env = new HashMap<>(Map.of(
                    "JAVA_HOME", jdk.toString(),
                    "XDG_CACHE_HOME", cache.toString(),
                    "KLING_MCP_LAUNCHER_DEBUG", "1"));
            Run first = launcher(List.of("--version"), env, 400);
            assertThat(first.exit()).as("%s: %s", jdk, tail(first.stderr())).isZero();
            assertThat(first.stderr()).as(jdk.toString()).contains("class archive built");

            env.put("KLING_MCP_JAVA_OPTS", "-Xlog:class+load=info:stderr");
            Run serve = launcher(List.of(), env, 120); // the default launch; its input ends at once
            assertThat(serve.exit()).as("%s: %s", jdk, tail(serve.stderr())).isZero();
            assertThat(serve.stdout()).as("stdout is the protocol's").isEmpty();
            assertThat(serve.stderr()).as(jdk.toString()).contains("class archive reused");
            for (String cls : List.of(
                    "dev.klingmcp.server.KlingMcp",
                    "dev.klingmcp.server.cli.StdioFastStart",
                    "dev.klingmcp.server.transport.PublishedAnswers",
                    "dev.klingmcp.server.transport.StdioFrontDoor")) {
                assertThat(serve.stderr())
                        .as("%s loads %s from the archive", jdk, cls)
                        .containsPattern(java.util.regex.Pattern.quote(cls) + " source: shared objects file");
            }
        }
    }

    /** The JDK running the tests and every other JDK 17+ installed beside it (each once). */
    private static List<Path> jdks() throws IOException {
        List<Path> found = new ArrayList<>();
        found.add(Path.of(System.getProperty("java.home")).toRealPath());
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> dirs = Files.list(jvms)) {
                for (Path dir : dirs.sorted().toList()) {
                    Path release = dir.resolve("release");
                    if (!Files.isExecutable(dir.resolve("bin/java")) || !Files.isRegularFile(release)) {
                        continue;
                    }
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("JAVA_VERSION=\"(\\d+)")
                            .matcher(Files.readString(release));
                    Path real = dir.toRealPath();
                    if (m.find() && Integer.parseInt(m.group(1)) >= 17 && !found.contains(real)) {
                        found.add(real);
                    }
                }
            }
        }
        return found;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withoutASuitableJavaTheLauncherSaysWhichVersionItNeeds() throws Exception {
        // A PATH with the shell tools the launcher uses and no java.
        Path tools = Files.createDirectories(root.resolve("no-java-bin"));
        for (String tool : List.of(
                "ls", "sed", "dirname", "cut", "head", "cksum", "find", "mkdir", "rm", "mv", "rmdir", "sh", "cat",
                "printf")) {
            for (String dir : List.of("/usr/bin", "/bin")) {
                Path real = Path.of(dir, tool);
                if (Files.isExecutable(real) && !Files.exists(tools.resolve(tool))) {
                    Files.createSymbolicLink(tools.resolve(tool), real);
                }
            }
        }
        Map<String, String> noJava = new HashMap<>();
        noJava.put("PATH", tools.toString());
        noJava.put("JAVA_HOME", "");
        Run none = run(List.of("/bin/sh", home.resolve("bin/kling-mcp").toString(), "--help"), noJava, home, 30);
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.stderr())
                .contains("no Java found")
                .contains("Java 17 or newer")
                .contains("JAVA_HOME");
        assertThat(none.stdout()).isEmpty();

        Path oldJdk = Files.createDirectories(root.resolve("old-jdk/bin"));
        Path fakeJava = oldJdk.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        noJava.put("JAVA_HOME", oldJdk.getParent().toString());
        Run old = run(List.of("/bin/sh", home.resolve("bin/kling-mcp").toString(), "--help"), noJava, home, 30);
        assertThat(old.exit()).isEqualTo(1);
        assertThat(old.stderr()).contains("Java 11.0.2").contains("Java 17 or newer");
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void theDemoRunsThroughTheLauncher() throws Exception {
        Path work = Files.createDirectories(root.resolve("demo-work"));
        Run demo = run(List.of(home.resolve("bin/kling-mcp").toString(), "demo"), isolated("demo"), work, 220);
        assertThat(demo.exit()).as("demo; stderr:%n%s", tail(demo.stderr())).isZero();
        assertThat(demo.stdout()).contains("Saved MP4: ");
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void theInspectorCliListsToolsAndPricesADryRunThroughTheLauncher() throws Exception {
        Path cli = Path.of(System.getProperty("contract.jsDir", "js"))
                .resolve("node_modules/@modelcontextprotocol/inspector/cli/build/cli.js")
                .toAbsolutePath();
        Path nodeFile = Path.of(System.getProperty("contract.nodeFile", "target/node-executable.txt"));
        Assumptions.assumeTrue(Files.isRegularFile(cli) && Files.isRegularFile(nodeFile), "npm packages not installed");
        String node = Files.readString(nodeFile).strip();
        String launcher = home.resolve("bin/kling-mcp").toString();
        Map<String, String> env = isolated("inspector");

        Run list = run(List.of(node, cli.toString(), "--cli", launcher, "--method", "tools/list"), env, home, 200);
        assertThat(list.exit())
                .as("inspector tools/list; stderr:%n%s", tail(list.stderr()))
                .isZero();
        JsonNode tools = ToolCall.JSON.readTree(list.stdout()).path("tools");
        assertThat(tools.findValuesAsText("name")).contains("generate", "status", "result", "describe_models");

        Run dry = run(
                List.of(
                        node,
                        cli.toString(),
                        "--cli",
                        launcher,
                        "--method",
                        "tools/call",
                        "--tool-name",
                        "generate",
                        "--tool-arg",
                        "model=o3/standard/image-to-video",
                        "prompt=a paper boat drifting on a calm lake",
                        "image_url=https://example.com/start.png",
                        "duration=5",
                        "dry_run=true"),
                env,
                home,
                200);
        assertThat(dry.exit())
                .as("inspector tools/call; stderr:%n%s", tail(dry.stderr()))
                .isZero();
        JsonNode result = ToolCall.JSON.readTree(dry.stdout());
        assertThat(result.path("isError").asBoolean(false)).as(dry.stdout()).isFalse();
        assertThat(result.at("/structuredContent/estimate/usd").asDouble()).isPositive();
    }

    /** An isolated home (no FAL_KEY, no user settings, cache and data inside the test). */
    private static Map<String, String> isolated(String name) {
        Map<String, String> env = new HashMap<>(ServerSetup.isolatedHome(root.resolve(name)));
        env.put("XDG_DATA_HOME", root.resolve(name).resolve("home/.local/share").toString());
        return env;
    }

    private static Path onlyArchive(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache.resolve("kling-mcp"))) {
            List<Path> archives = files.filter(
                            p -> p.toString().endsWith(".jsa") || p.toString().endsWith(".aot"))
                    .toList();
            assertThat(archives).hasSize(1);
            return archives.get(0);
        }
    }

    private static Run launcher(List<String> args, Map<String, String> env, int seconds) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/kling-mcp").toString());
        command.addAll(args);
        return run(command, env, home, seconds);
    }

    /** Runs a command with the test machine's fal and kling-mcp settings removed and {@code env} added. */
    private static Run run(List<String> command, Map<String, String> env, Path dir, int seconds) throws Exception {
        Path out = Files.createTempFile(root, "out", ".txt");
        Path err = Files.createTempFile(root, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("FAL_") || k.startsWith("KLING_MCP_") || k.startsWith("XDG_"));
        // The launcher finds the JDK running these tests, whatever `java` on PATH is.
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        env.forEach((k, v) -> {
            if (v.isEmpty()) {
                environment.remove(k);
            } else {
                environment.put(k, v);
            }
        });
        Process process = builder.start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(
                    command + " did not finish in " + seconds + " s; stderr:\n" + tail(Files.readString(err)));
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String tail(String text) {
        return text.length() > 4000 ? "…" + text.substring(text.length() - 4000) : text;
    }

    private record Run(int exit, String stdout, String stderr) {}
}
