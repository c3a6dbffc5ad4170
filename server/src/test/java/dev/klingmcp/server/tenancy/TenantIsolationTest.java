package dev.klingmcp.server.tenancy;

import static dev.klingmcp.server.tenancy.TenantServer.call;
import static dev.klingmcp.server.tenancy.TenantServer.structured;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.klingmcp.server.config.HttpSettings;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.CompleteRequest;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import io.modelcontextprotocol.spec.McpSchema.ResourceReference;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two principals on one server: neither sees, fetches nor cancels the other's job, by any route. */
@Timeout(120)
class TenantIsolationTest {

    @TempDir
    Path tmp;

    private TenantServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TenantServer(tmp, 1000, HttpSettings.Limits.none());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void principalBCannotSeeCancelOrFetchPrincipalAsJob() {
        McpSyncClient alice = server.client("alice-token");
        McpSyncClient bob = server.client("bob-token");
        CallToolResult generated = call(
                alice, "generate", Map.of("model", "o3/pro/reference-to-video", "prompt", "a cat", "wait_seconds", 20));
        assertThat(generated.isError())
                .as(String.valueOf(generated.structuredContent()))
                .isFalse();
        String jobId = structured(generated).get("job_id").toString();

        // Alice sees her job everywhere.
        assertThat(call(alice, "status", Map.of("job_id", jobId)).isError()).isFalse();
        assertThat(call(alice, "result", Map.of("job_id", jobId)).isError()).isFalse();
        assertThat(listedIds(alice)).contains(jobId);
        assertThat(alice.readResource(ReadResourceRequest.builder("kling://jobs/" + jobId)
                                .build())
                        .contents())
                .hasSize(1);

        // Bob gets "not found" from every route, in the words of an id that does not exist.
        for (String tool : List.of("status", "result")) {
            CallToolResult r = call(bob, tool, Map.of("job_id", jobId));
            assertThat(r.isError()).as(tool).isTrue();
            assertThat(error(r).get("code")).as(tool).isEqualTo("not_found");
            CallToolResult unknown = call(bob, tool, Map.of("job_id", "no-such-job"));
            assertThat(error(r).get("message").toString().replace(jobId, "X"))
                    .isEqualTo(error(unknown).get("message").toString().replace("no-such-job", "X"));
        }
        CallToolResult cancel = call(bob, "cancel", Map.of("job_id", jobId));
        assertThat(structured(cancel).toString()).contains("NOT_FOUND");
        assertThat(listedIds(bob)).doesNotContain(jobId);
        // Bob's read of Alice's job resource fails exactly as a read of a job that does not exist.
        assertThatThrownBy(() -> bob.readResource(
                        ReadResourceRequest.builder("kling://jobs/" + jobId).build()))
                .isInstanceOf(McpError.class)
                .hasMessageContaining("not found");
        assertThat(bob.completeCompletion(CompleteRequest.builder(
                                        new ResourceReference("kling://jobs/{job_id}"),
                                        new CompleteRequest.CompleteArgument("job_id", ""))
                                .build())
                        .completion()
                        .values())
                .doesNotContain(jobId);

        // And Alice's job is untouched by Bob's cancel.
        assertThat(structured(call(alice, "status", Map.of("job_id", jobId))).toString())
                .doesNotContain("CANCELLED");
    }

    @Test
    void aReadOnlyPrincipalListsNothingOfOthersAndCannotGenerate() {
        McpSyncClient alice = server.client("alice-token");
        call(alice, "generate", Map.of("model", "o3/pro/reference-to-video", "prompt", "a dog"));
        McpSyncClient reader = server.client("reader-token");
        assertThat(listedIds(reader)).isEmpty();
        assertThatThrownBy(() -> call(reader, "generate", Map.of("model", "o3/pro/reference-to-video", "prompt", "x")))
                .isInstanceOf(McpHttpClientTransportAuthorizationException.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> error(CallToolResult r) {
        return (Map<String, Object>) structured(r).get("error");
    }

    @SuppressWarnings("unchecked")
    private static List<String> listedIds(McpSyncClient client) {
        CallToolResult list = call(client, "list_jobs", Map.of());
        assertThat(list.isError()).isFalse();
        List<Map<String, Object>> jobs =
                (List<Map<String, Object>>) structured(list).get("jobs");
        return jobs.stream().map(j -> j.get("job_id").toString()).toList();
    }
}
