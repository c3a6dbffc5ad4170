package dev.klingmcp.contract.modern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.queue.JobSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tasks extension over raw JSON-RPC on both transports: a task-augmented {@code generate} answers with a task at
 * once and {@code tasks/get} follows it to completed (with the same result the {@code result} tool gives); the ledger
 * backs the tasks, so a SIGKILLed server's successor answers for them; {@code tasks/cancel} reaches fal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TasksTest {

    private ModernFixture fixture;

    @BeforeAll
    void start(@TempDir Path root) {
        // 20x: a 10 s standard job takes ~10 s, long enough to kill a server in the middle of it.
        fixture = new ModernFixture(root, 20);
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void taskAugmentedGenerateCompletesThroughTasksGetOverHttp() {
        try (ServerProcess http = ServerProcess.http(fixture, "tasks-http")) {
            Function<ObjectNode, JsonNode> send = r -> Wire.post(http.url(), r).json();
            runToCompletion(send);

            Wire.Answer undeclared = Wire.post(
                    http.url(),
                    Wire.request(
                            "tasks/get", ModernFixture.JSON.createObjectNode().put("taskId", "x"), null));
            assertThat(undeclared.status()).isEqualTo(400);
            assertThat(undeclared.errorCode()).isEqualTo(-32021);
            assertThat(Wire.post(http.url(), Wire.task("tasks/get", "no-such-task"))
                            .errorCode())
                    .isEqualTo(-32602);
        }
    }

    @Test
    void taskAugmentedGenerateCompletesThroughTasksGetOverStdio() {
        try (ServerProcess stdio = ServerProcess.stdio(fixture, "tasks-stdio")) {
            runToCompletion(stdio::call);
        }
    }

    @Test
    void aSigkilledServersSuccessorAnswersForItsTasks() {
        long before = fixture.accepted();
        String taskId;
        try (ServerProcess first = ServerProcess.stdio(fixture, "tasks-before-kill")) {
            JsonNode created = first.call(generateAsTask());
            taskId = created.path("result").path("taskId").asText();
            assertThat(created.path("result").path("status").asText()).isEqualTo("working");
            first.kill();
        }
        assertThat(fixture.mockJob(taskId).completed())
                .as("killed before the job finished")
                .isFalse();
        try (ServerProcess second = ServerProcess.stdio(fixture, "tasks-after-restart")) {
            JsonNode done = pollUntilTerminal(second::call, taskId);
            assertThat(done.path("status").asText()).isEqualTo("completed");
            assertThat(done.path("result")
                            .path("structuredContent")
                            .path("video")
                            .path("url")
                            .asText())
                    .startsWith("http");
        }
        assertThat(fixture.accepted() - before).as("submits for the one task").isEqualTo(1);
    }

    @Test
    void tasksCancelReachesFal() {
        try (ServerProcess http = ServerProcess.http(fixture, "tasks-cancel")) {
            JsonNode created = Wire.post(http.url(), generateAsTask()).result();
            String taskId = created.path("taskId").asText();
            Wire.Answer ack = Wire.post(http.url(), Wire.task("tasks/cancel", taskId));
            assertThat(ack.status()).isEqualTo(200);
            assertThat(ack.result().path("resultType").asText()).isEqualTo("complete");
            JobSnapshot atMock = fixture.mockJob(taskId);
            assertThat(atMock.cancelled()).as("mock-fal saw the cancel").isTrue();
            JsonNode after = pollUntilTerminal(r -> Wire.post(http.url(), r).json(), taskId);
            assertThat(after.path("status").asText()).isEqualTo("cancelled");
        }
    }

    @Test
    void progressAndOptInLogMessagesGoOnTheStatusCallsOwnStream() {
        try (ServerProcess http = ServerProcess.http(fixture, "tasks-logs")) {
            Wire.Answer withoutLevel = Wire.post(http.url(), status(generate(http), null));
            assertThat(withoutLevel.raw()).contains("notifications/progress");
            assertThat(withoutLevel.raw())
                    .as("no log level asked, no log messages")
                    .doesNotContain("notifications/message");
            assertThat(withoutLevel.result().path("resultType").asText()).isEqualTo("complete");

            Wire.Answer withLevel = Wire.post(http.url(), status(generate(http), "info"));
            assertThat(withLevel.raw()).contains("notifications/progress").contains("notifications/message");
            assertThat(withLevel
                            .result()
                            .path("structuredContent")
                            .path("finished")
                            .asBoolean())
                    .isTrue();
        }
    }

    private static String generate(ServerProcess http) {
        return Wire.post(http.url(), Wire.toolCall("generate", ModernFixture.generateArguments(), null))
                .result()
                .path("structuredContent")
                .path("job_id")
                .asText();
    }

    private static ObjectNode status(String jobId, String logLevel) {
        ObjectNode call = Wire.toolCall(
                "status",
                ModernFixture.JSON.createObjectNode().put("job_id", jobId).put("wait_seconds", 45),
                null);
        ObjectNode meta = (ObjectNode) call.path("params").path("_meta");
        meta.put("progressToken", "p-" + jobId);
        if (logLevel != null) {
            meta.put("io.modelcontextprotocol/logLevel", logLevel);
        }
        return call;
    }

    private static ObjectNode generateAsTask() {
        return Wire.toolCall("generate", ModernFixture.generateArguments(), Wire.tasksCapability());
    }

    private void runToCompletion(Function<ObjectNode, JsonNode> send) {
        long before = fixture.accepted();
        JsonNode created = send.apply(generateAsTask()).path("result");
        assertThat(created.path("resultType").asText()).isEqualTo("task");
        assertThat(created.path("status").asText()).isEqualTo("working");
        assertThat(created.path("createdAt").asText()).isNotBlank();
        assertThat(created.path("pollIntervalMs").asLong()).isPositive();
        String taskId = created.path("taskId").asText();

        JsonNode done = pollUntilTerminal(send, taskId);
        assertThat(done.path("resultType").asText()).isEqualTo("complete");
        assertThat(done.path("status").asText()).isEqualTo("completed");
        JsonNode result = done.path("result");
        assertThat(result.path("isError").asBoolean()).isFalse();
        assertThat(result.path("structuredContent").path("outcome").asText()).isEqualTo("READY");
        assertThat(result.path("structuredContent").path("video").path("url").asText())
                .startsWith("http");
        assertThat(fixture.accepted() - before).isEqualTo(1);
    }

    private static JsonNode pollUntilTerminal(Function<ObjectNode, JsonNode> send, String taskId) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await("task " + taskId + " finished")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    last[0] = send.apply(Wire.task("tasks/get", taskId)).path("result");
                    String status = last[0].path("status").asText();
                    return status.equals("completed") || status.equals("cancelled") || status.equals("failed");
                });
        return last[0];
    }
}
