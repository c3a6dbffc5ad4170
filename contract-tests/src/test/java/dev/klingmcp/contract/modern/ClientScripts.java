package dev.klingmcp.contract.modern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.contract.process.ScriptRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The MCP client scripts of these tests, each run with a config file ({@link ModernFixture#clientConfig}) and answering
 * with one JSON line whose {@code ok} says whether the whole flow went through.
 */
final class ClientScripts {

    private ClientScripts() {}

    /** {@code js/mcp-modern.mjs}: the TypeScript MCP SDK v2 client. */
    static JsonNode tsClient(Path config, Duration timeout) {
        return answer(ScriptRun.node(), "mcp-modern.mjs", "TS client", config, timeout);
    }

    /** A script of {@code py/} on the Python MCP SDK. */
    static JsonNode python(String script, Path config, Duration timeout) {
        return answer(ScriptRun.python(), script, "Python client", config, timeout);
    }

    private static JsonNode answer(ScriptRun runtime, String script, String client, Path config, Duration timeout) {
        ScriptRun.Result r = runtime.run(timeout, script, List.of(config.toString()));
        JsonNode out = r.lastJsonLine();
        if (out == null) {
            throw new AssertionError(client + " printed no JSON (exit " + r.exitCode() + ")\nstdout: " + r.stdout()
                    + "\nstderr: " + r.stderrTail());
        }
        if (!out.path("ok").asBoolean()) {
            throw new AssertionError(client + " failed: " + out.path("error").asText() + "\nstderr: " + r.stderrTail());
        }
        return out;
    }
}
