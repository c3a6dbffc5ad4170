package dev.klingmcp.contract.modern;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program of {@code contract-tests/js} (a scenario script, or an installed package's CLI) on the node binary the
 * build provisioned ({@code js/provision.sh} writes its path), with a deadline.
 */
final class NodeRun {

    private NodeRun() {}

    /**
     * Runs a Node.js program under contract-tests/js.
     *
     * @param program a path relative to {@code contract-tests/js}
     * @return exit code, stdout and stderr
     */
    static Result run(Duration timeout, String program, String... args) {
        List<String> command = new ArrayList<>(List.of(node(), program));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(jsDir().toFile());
        builder.environment().keySet().removeIf(name -> !name.equals("PATH") && !name.equals("HOME"));
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
            throw new AssertionError(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("reading the output of " + command + " failed", e);
        }
    }

    /** Runs {@code mcp-modern.mjs} with a config file and returns the JSON line it prints. */
    static JsonNode tsClient(Path config, Duration timeout) {
        Result r = run(timeout, "mcp-modern.mjs", config.toString());
        String[] lines = r.stdout().strip().split("\n", -1);
        try {
            JsonNode out = ModernFixture.JSON.readTree(lines[lines.length - 1]);
            if (!out.path("ok").asBoolean()) {
                throw new AssertionError(
                        "TS client failed: " + out.path("error").asText() + "\nstderr: " + r.stderr());
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("TS client printed no JSON (exit " + r.exitCode() + ")\nstdout: " + r.stdout()
                    + "\nstderr: " + r.stderr());
        }
    }

    static Path jsDir() {
        return Path.of(System.getProperty("contract.jsDir", "js")).toAbsolutePath();
    }

    static String node() {
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

    record Result(int exitCode, String stdout, String stderr) {}
}
