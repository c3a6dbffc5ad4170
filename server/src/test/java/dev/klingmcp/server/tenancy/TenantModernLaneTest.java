package dev.klingmcp.server.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.config.HttpSettings;
import dev.klingmcp.server.testing.HttpTestClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenancy on the stateless 2026-07-28 lane: a task is a job, so another principal's task id answers exactly like an id
 * that does not exist — for {@code tasks/get}, {@code tasks/cancel} and a {@code resources/read} of the job — and a
 * cancel by the wrong principal changes nothing.
 */
@Timeout(120)
class TenantModernLaneTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private TenantServer server;

    @BeforeEach
    void start() throws Exception {
        // Slow enough that the job is still running while Bob tries to cancel it.
        server = new TenantServer(tmp, 1, HttpSettings.Limits.none());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anotherPrincipalsTaskIsUnknownOnEveryRoute() throws Exception {
        ObjectNode args = JSON.createObjectNode()
                .put("model", "o3/pro/reference-to-video")
                .put("prompt", "a cat");
        ObjectNode generate = JSON.createObjectNode().put("name", "generate");
        generate.set("arguments", args);
        JsonNode created = post("alice-token", "tools/call", generate, "generate");
        assertThat(created.path("result").path("resultType").asText())
                .as(created.toString())
                .isEqualTo("task");
        String taskId = created.path("result").path("taskId").asText();

        JsonNode aliceSees = post("alice-token", "tasks/get", task(taskId), taskId);
        assertThat(aliceSees.path("result").path("taskId").asText()).isEqualTo(taskId);

        for (String method : new String[] {"tasks/get", "tasks/cancel"}) {
            JsonNode bobs = post("bob-token", method, task(taskId), taskId);
            JsonNode unknown = post("bob-token", method, task("no-such-task"), "no-such-task");
            assertThat(bobs.has("result")).as(method + ": " + bobs).isFalse();
            assertThat(bobs.path("error").path("code").asInt())
                    .as(method)
                    .isEqualTo(unknown.path("error").path("code").asInt());
            assertThat(bobs.path("error").path("message").asText().replace(taskId, "X"))
                    .as(method)
                    .isEqualTo(unknown.path("error").path("message").asText().replace("no-such-task", "X"));
        }
        String uri = "kling://jobs/" + taskId;
        JsonNode bobsRead =
                post("bob-token", "resources/read", JSON.createObjectNode().put("uri", uri), uri);
        assertThat(bobsRead.path("error").path("message").asText()).containsIgnoringCase("not found");
        JsonNode alicesRead =
                post("alice-token", "resources/read", JSON.createObjectNode().put("uri", uri), uri);
        assertThat(alicesRead.path("result").path("contents")).hasSize(1);

        JsonNode after = post("alice-token", "tasks/get", task(taskId), taskId);
        assertThat(after.path("result").path("status").asText())
                .as("Bob's cancel must not touch Alice's task")
                .isNotEqualTo("cancelled");
    }

    private static ObjectNode task(String taskId) {
        return JSON.createObjectNode().put("taskId", taskId);
    }

    /** One stateless request: the {@code _meta} envelope in the body and the routing headers a conforming client sends. */
    private JsonNode post(String token, String method, ObjectNode params, String name) throws Exception {
        ObjectNode p = params.deepCopy();
        ObjectNode meta = p.putObject("_meta");
        meta.put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
        meta.putObject("io.modelcontextprotocol/clientCapabilities")
                .putObject("extensions")
                .putObject("io.modelcontextprotocol/tasks");
        meta.putObject("io.modelcontextprotocol/clientInfo")
                .put("name", "tenant-test")
                .put("version", "1");
        ObjectNode body =
                JSON.createObjectNode().put("jsonrpc", "2.0").put("id", 1).put("method", method);
        body.set("params", p);
        HttpTestClient raw = server.raw();
        String text = raw.send(raw.post(body.toString(), token)
                        .timeout(Duration.ofSeconds(60))
                        .header("MCP-Protocol-Version", "2026-07-28")
                        .header("Mcp-Method", method)
                        .header("Mcp-Name", name))
                .body();
        if (text.startsWith("{")) {
            return JSON.readTree(text);
        }
        JsonNode answer = JSON.createObjectNode();
        for (String line : text.split("\n", 0)) {
            if (line.startsWith("data:")) {
                JsonNode event = JSON.readTree(line.substring(5).strip());
                if (!event.has("method")) {
                    answer = event;
                }
            }
        }
        return answer;
    }
}
