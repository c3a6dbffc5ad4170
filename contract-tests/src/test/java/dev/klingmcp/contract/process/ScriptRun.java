package dev.klingmcp.contract.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a script of {@code contract-tests/js} or {@code contract-tests/py} on the interpreter the build provisioned
 * ({@code js/provision.sh} and {@code py/provision.sh} write their paths), with a deadline: a client or mock that stops
 * answering fails the test instead of hanging the build. The script sees only {@code PATH} and {@code HOME} of this
 * environment, so CI's variables (and any real {@code FAL_KEY}) stay out.
 */
public final class ScriptRun {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String interpreter;

    private final Path dir;

    private final Map<String, String> env;

    private ScriptRun(String interpreter, Path dir, Map<String, String> env) {
        this.interpreter = interpreter;
        this.dir = dir;
        this.env = env;
    }

    /** Node.js programs under {@code contract-tests/js}: {@code -Dcontract.node} wins, else provisioned, else PATH. */
    public static ScriptRun node() {
        return new ScriptRun(nodeExecutable(), Path.of(System.getProperty("contract.jsDir", "js")), Map.of());
    }

    /**
     * Python scripts under {@code contract-tests/py} on its provisioned venv. A missing venv fails the test: the Python
     * SDK is a required client, not an optional one.
     */
    public static ScriptRun python() {
        Path pythonFile = Path.of(System.getProperty("contract.pythonFile", "target/python-executable.txt"));
        String python;
        try {
            python = Files.readString(pythonFile).strip();
        } catch (IOException e) {
            throw new AssertionError(
                    "no provisioned python at " + pythonFile + ": run contract-tests/py/provision.sh (the build does)",
                    e);
        }
        // no __pycache__ folders in the source tree
        return new ScriptRun(
                python, Path.of(System.getProperty("contract.pyDir", "py")), Map.of("PYTHONDONTWRITEBYTECODE", "1"));
    }

    /** The folder the scripts live in and run from. */
    public Path dir() {
        return dir.toAbsolutePath();
    }

    /**
     * Runs {@code script} (a path relative to {@link #dir()}) with {@code args}, stdin closed; after {@code timeout}
     * the process and its children are killed and the test fails with what the script printed on stderr so far.
     */
    public Result run(Duration timeout, String script, List<String> args) {
        List<String> command = new ArrayList<>(List.of(interpreter, script));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir().toFile());
        builder.environment().keySet().removeIf(name -> !name.equals("PATH") && !name.equals("HOME"));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> out = readAsync(process.getInputStream());
            CompletableFuture<String> err = readAsync(process.getErrorStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(
                        command + " still running after " + timeout + "\nstderr: " + err.getNow("<unread>"));
            }
            return new Result(process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("reading the output of " + command + " failed", e);
        }
    }

    private static String nodeExecutable() {
        String explicit = System.getProperty("contract.node");
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        Path provisioned = Path.of(System.getProperty("contract.nodeFile", "target/node-executable.txt"));
        try {
            return Files.isReadable(provisioned) ? Files.readString(provisioned).strip() : "node";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CompletableFuture<String> readAsync(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** What a finished script left: its exit code and everything it printed. */
    public record Result(int exitCode, String stdout, String stderr) {

        /** The last line of stdout as a JSON object (the scripts print their answer last), or null if it is not one. */
        public JsonNode lastJsonLine() {
            String[] lines = stdout.strip().split("\n", -1);
            String last = lines[lines.length - 1];
            if (!last.startsWith("{")) {
                return null;
            }
            try {
                return JSON.readTree(last);
            } catch (IOException e) {
                return null;
            }
        }

        /** The end of stderr, enough for a failure message without a whole Python traceback log. */
        public String stderrTail() {
            return stderr.length() > 4000 ? "…" + stderr.substring(stderr.length() - 4000) : stderr;
        }
    }
}
