package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Windows launcher read as text, since no Windows shell runs here: it must start the JVM exactly as the POSIX
 * launcher does (same flags, jar, main class, arguments passed through, same Java requirement and message, same
 * settings), and it must avoid the cmd.exe pitfalls that break real installs: a path with {@code (x86)} expanded inside
 * a parenthesised block, a path with spaces unquoted, delayed expansion eating a {@code !} in an argument, and
 * {@code for /f} stripping the quotes of a quoted java path.
 */
class LauncherScriptsTest {

    private static final Path BIN = Path.of("../dist/src/bin").toAbsolutePath().normalize();

    private final String sh = read("kling-mcp");

    private final String cmd = read("kling-mcp.cmd");

    @Test
    void bothStartTheJvmWithTheSameFlagsJarAndMainClassAndPassEveryArgumentThrough() {
        Matcher flags =
                Pattern.compile("set -- (-XX:\\+UseSerialGC[^\\\\\\n]*)").matcher(sh);
        assertThat(flags.find()).as("the sh launcher's JVM flags line").isTrue();
        List<String> jvmFlags = List.of(flags.group(1).trim().split("\\s+"));
        assertThat(jvmFlags).contains("-XX:+UseSerialGC", "-Xlog:all=warning:stderr");
        // C1-only code (TieredStopAtLevel=1) has no SHA-256 intrinsic: a downloaded video would hash ~10x slower.
        assertThat(sh + cmd).doesNotContain("TieredStopAtLevel");
        String run = cmdRunLine();
        for (String flag : jvmFlags) {
            assertThat(run).as("the .cmd passes %s", flag).contains(flag);
        }
        assertThat(sh).contains("-cp \"$jar\" dev.klingmcp.server.KlingMcp \"$@\"", "jar=$app_home/lib/kling-mcp.jar");
        assertThat(sh).containsPattern("(?m)^exec \"\\$java\" \"\\$@\"$");
        assertThat(run)
                .contains("-cp \"%JAR%\" dev.klingmcp.server.KlingMcp %*")
                .endsWith("%*");
        assertThat(cmd).contains("set \"JAR=%APP_HOME%\\lib\\kling-mcp.jar\"");
        assertThat(run).contains("%KLING_MCP_JAVA_OPTS%");
        assertThat(sh).contains("${KLING_MCP_JAVA_OPTS:-}");
    }

    @Test
    void bothNeedJava17FromJavaHomeThenPathAndSayTheSame() {
        assertThat(sh).contains("\"$major\" -lt 17", "$JAVA_HOME/bin/java", "command -v java");
        assertThat(cmd).contains("%MAJOR% LSS 17", "%JAVA_HOME%\\bin\\java.exe", "%%~$PATH:J");
        assertThat(sh.indexOf("JAVA_HOME/bin/java")).isLessThan(sh.indexOf("command -v java"));
        assertThat(cmd.indexOf("%JAVA_HOME%\\bin\\java.exe")).isLessThan(cmd.indexOf("%%~$PATH:J"));
        String shNeed = between(sh, "need=\"", "\"\n").replace("\\\"", "\"");
        String cmdNeed = between(cmd, ">&2 echo kling-mcp needs", "\n");
        assertThat(normalized("kling-mcp needs" + cmdNeed)).isEqualTo(normalized(shNeed));
        // 1.8-style and 9+-style version strings, and early-access ones ("26-ea")
        assertThat(sh).contains("1.*) major=");
        assertThat(cmd).contains("if \"%%A\"==\"1\" (set \"MAJOR=%%B\")", "delims=.-+_");
    }

    @Test
    void bothDocumentAndHonourTheSameSettings() {
        for (String setting :
                List.of("JAVA_HOME", "KLING_MCP_JAVA_OPTS", "KLING_MCP_CDS", "KLING_MCP_LAUNCHER_DEBUG")) {
            assertThat(header(sh, "#")).as("sh documents %s", setting).contains(setting);
            assertThat(header(cmd, "rem")).as(".cmd documents %s", setting).contains(setting);
            assertThat(body(sh, "#")).as("sh reads %s", setting).contains(setting);
            assertThat(body(cmd, "rem")).as(".cmd reads %s", setting).contains(setting);
        }
        assertThat(sh).contains("KLING_MCP_CDS:-on}\" != \"off\"");
        assertThat(cmd).contains("if /i \"%KLING_MCP_CDS%\"==\"off\" goto :run");
        assertThat(cmd).contains("%LOCALAPPDATA%\\kling-mcp\\");
    }

    @Test
    void theCmdAvoidsTheCmdExePitfalls() {
        assertThat(cmd)
                .as("a '!' in a prompt must survive")
                .contains("DisableDelayedExpansion")
                .doesNotContain("EnableDelayedExpansion");
        // Inside ( ... ) a ')' from "C:\Program Files (x86)\..." ends the block early.
        for (String line : blockLines(cmd)) {
            assertThat(line)
                    .as("a line inside a parenthesised block expands no path: %s", line)
                    .doesNotContain("%JAVA%", "%JAR%", "%APP_HOME%", "%JAVA_HOME%", "%LOCALAPPDATA%", "%CDS%");
        }
        assertThat(cmd).as("the archive path may hold spaces").contains("\"-XX:SharedArchiveFile=%LOCALAPPDATA%");
        assertThat(cmd).as("for /f keeps a quoted java path").contains("in ('call \"%JAVA%\" -version");
        assertThat(cmdRunLine()).startsWith("\"%JAVA%\" ");
        assertThat(cmd).contains("exit /b %ERRORLEVEL%");
        for (String line : cmd.lines().toList()) {
            assertThat(line.stripLeading().toLowerCase(java.util.Locale.ROOT))
                    .as("messages go to stderr, stdout is the protocol: %s", line)
                    .satisfiesAnyOf(l -> assertThat(l).doesNotStartWith("echo "), l -> assertThat(l)
                            .startsWith("echo off"));
        }
    }

    private String cmdRunLine() {
        return cmd.lines()
                .filter(l -> l.startsWith("\"%JAVA%\""))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line starting the JVM in kling-mcp.cmd"));
    }

    /** Lines between an opening "(" at a line's end and the matching ")" line: multi-line blocks. */
    private static List<String> blockLines(String script) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        for (String line : script.lines().toList()) {
            String t = line.strip();
            if (depth > 0) {
                out.add(line);
            }
            if (!t.toLowerCase(java.util.Locale.ROOT).startsWith("rem") && t.endsWith("(")) {
                depth++;
            } else if (depth > 0 && t.startsWith(")")) {
                depth--;
            }
        }
        return out;
    }

    private static String header(String script, String comment) {
        StringBuilder b = new StringBuilder();
        for (String line : script.lines().toList()) {
            String t = line.strip();
            if (t.startsWith(comment) || t.startsWith("#!") || t.equals("@echo off")) {
                b.append(t).append('\n');
            } else if (!t.isEmpty()) {
                break;
            }
        }
        return b.toString();
    }

    private static String body(String script, String comment) {
        StringBuilder b = new StringBuilder();
        script.lines().filter(l -> !l.strip().startsWith(comment)).forEach(l -> b.append(l)
                .append('\n'));
        return b.toString();
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as("'%s' in the script", start).isNotNegative();
        from += start.length();
        return text.substring(from, text.indexOf(end, from));
    }

    /** The same sentence modulo path separators and "a"/"the" desktop. */
    private static String normalized(String s) {
        return s.replace("bin\\", "bin/").replace("a desktop", "the desktop").strip();
    }

    private static String read(String name) {
        try {
            return Files.readString(BIN.resolve(name));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
