package dev.klingmcp.contract.fal;

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
import java.util.concurrent.TimeUnit;

/**
 * Runs one scenario script of {@code contract-tests/js} with the node binary the build provisioned
 * ({@code js/provision.sh}), and returns the single JSON line the script prints.
 *
 * <p>Every run has a deadline: a mock that stops answering fails the test instead of hanging the build.
 */
public final class NodeScript {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final String script;
    private final List<String> arguments = new ArrayList<>();
    private Duration timeout = DEFAULT_TIMEOUT;

    private NodeScript(String script) {
        this.script = script;
    }

    /**
     * {@code script} is a file name in {@code contract-tests/js}, e.g. {@code subscribe.mjs}; {@code firstArgument} its
     * one positional argument (the mock's base URL for the fal-client scenarios, a config file for the MCP ones).
     */
    public static NodeScript of(String script, String firstArgument) {
        NodeScript run = new NodeScript(script);
        run.arguments.add(firstArgument);
        return run;
    }

    public NodeScript arg(String name, Object value) {
        arguments.add("--" + name + "=" + value);
        return this;
    }

    public NodeScript timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** {@link #run()} on another thread, for scenarios the test steers while they run (e.g. on a manual clock). */
    CompletableFuture<JsonNode> start() {
        return CompletableFuture.supplyAsync(this::run, task -> new Thread(task, "node " + script).start());
    }

    /** Runs the script; fails (with its stderr) unless it exits 0 and prints one JSON object. */
    public JsonNode run() {
        Result result = execute();
        if (result.exitCode != 0 || result.json == null) {
            throw new AssertionError(script + " " + arguments + " exited " + result.exitCode + "\nstdout: "
                    + result.stdout + "\nstderr: " + result.stderr);
        }
        return result.json;
    }

    private Result execute() {
        List<String> command = new ArrayList<>(List.of(nodeExecutable(), script));
        command.addAll(arguments);
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(jsDirectory().toFile());
        // The scripts need nothing from the environment but PATH; keep CI's variables (and any real FAL_KEY) out.
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> !name.equals("PATH") && !name.equals("HOME"));
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> stdout = readAsync(process.getInputStream());
            CompletableFuture<String> stderr = readAsync(process.getErrorStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(script + " " + arguments + " still running after " + timeout + "\nstderr: "
                        + stderr.getNow("<unread>"));
            }
            String out = stdout.get(5, TimeUnit.SECONDS);
            return new Result(process.exitValue(), out, stderr.get(5, TimeUnit.SECONDS), lastJsonLine(out));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + script, e);
        } catch (Exception e) {
            throw new AssertionError("reading the output of " + script + " failed", e);
        }
    }

    private static JsonNode lastJsonLine(String stdout) {
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

    private static CompletableFuture<String> readAsync(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static Path jsDirectory() {
        return Path.of(System.getProperty("contract.jsDir", "js")).toAbsolutePath();
    }

    /** -Dcontract.node wins; else the path provision.sh wrote; else node from PATH. */
    static String nodeExecutable() {
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

    private record Result(int exitCode, String stdout, String stderr, JsonNode json) {}
}
