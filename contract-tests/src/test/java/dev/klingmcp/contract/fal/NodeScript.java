package dev.klingmcp.contract.fal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.contract.process.ScriptRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one scenario script of {@code contract-tests/js} with the node binary the build provisioned
 * ({@code js/provision.sh}), and returns the single JSON line the script prints.
 *
 * <p>Every run has a deadline: a mock that stops answering fails the test instead of hanging the build.
 */
public final class NodeScript {

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
        ScriptRun.Result result = ScriptRun.node().run(timeout, script, arguments);
        JsonNode json = result.lastJsonLine();
        if (result.exitCode() != 0 || json == null) {
            throw new AssertionError(script + " " + arguments + " exited " + result.exitCode() + "\nstdout: "
                    + result.stdout() + "\nstderr: " + result.stderr());
        }
        return json;
    }
}
