package dev.klingmcp.contract.modern;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a script of {@code contract-tests/py} on the python of the venv the build provisioned ({@code py/provision.sh}
 * writes its path), with a deadline. A missing venv fails the test: the Python SDK is a required client, not an
 * optional one.
 */
final class PythonRun {

    private PythonRun() {}

    /** Runs {@code script} with a config file and returns the JSON line it prints (its {@code ok} must be true). */
    static JsonNode json(String script, Path config, Duration timeout) {
        Path pythonFile = Path.of(System.getProperty("contract.pythonFile", "target/python-executable.txt"));
        String python;
        try {
            python = Files.readString(pythonFile).strip();
        } catch (IOException e) {
            throw new AssertionError(
                    "no provisioned python at " + pythonFile + ": run contract-tests/py/provision.sh (the build does)",
                    e);
        }
        ProcessBuilder builder =
                new ProcessBuilder(List.of(python, script, config.toString())).directory(pyDir().toFile());
        builder.environment().keySet().removeIf(name -> !name.equals("PATH") && !name.equals("HOME"));
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> out = readAsync(process.getInputStream());
            CompletableFuture<String> err = readAsync(process.getErrorStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(
                        script + " still running after " + timeout + "\nstderr: " + err.getNow("<unread>"));
            }
            String stdout = out.get(10, TimeUnit.SECONDS);
            String stderr = err.get(10, TimeUnit.SECONDS);
            String[] lines = stdout.strip().split("\n", -1);
            JsonNode result;
            try {
                result = ModernFixture.JSON.readTree(lines[lines.length - 1]);
            } catch (IOException e) {
                throw new AssertionError("python printed no JSON (exit " + process.exitValue() + ")\nstdout: " + stdout
                        + "\nstderr: " + tail(stderr));
            }
            if (result == null || !result.path("ok").asBoolean()) {
                throw new AssertionError("Python client failed: "
                        + (result == null ? stdout : result.path("error").asText()) + "\nstderr: " + tail(stderr));
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + python, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("reading the output of " + script + " failed", e);
        }
    }

    static Path pyDir() {
        return Path.of(System.getProperty("contract.pyDir", "py")).toAbsolutePath();
    }

    private static String tail(String text) {
        return text.length() > 4000 ? "…" + text.substring(text.length() - 4000) : text;
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
}
