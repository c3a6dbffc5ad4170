package dev.klingmcp.server.tenancy;

import static dev.klingmcp.server.tenancy.TenantServer.call;
import static dev.klingmcp.server.tenancy.TenantServer.structured;
import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.config.HttpSettings;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Per-principal limits refuse before anything is submitted, with the numbers; another principal is not affected. */
@Timeout(120)
class TenantLimitsTest {

    @TempDir
    Path tmp;

    private TenantServer server;

    @BeforeEach
    void start() throws Exception {
        // fal's own pace: jobs stay queued for the whole test
        server = new TenantServer(tmp, 1, new HttpSettings.Limits(1, 1.00));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theDailyBudgetAndTheUnfinishedJobLimitRefuseWithTheirNumbers() {
        McpSyncClient alice = server.client("alice-token");
        CallToolResult tooDear =
                call(alice, "generate", Map.of("model", "o3/pro/reference-to-video", "prompt", "a cat"));
        assertThat(tooDear.isError()).isTrue();
        assertThat(error(tooDear).get("code")).isEqualTo("limit_exceeded");
        assertThat(error(tooDear).get("message").toString())
                .contains("$0.00", "$1.12", "daily budget is $1.00", "limits.daily-usd");

        Map<String, Object> cheap = Map.of(
                "model", "o3/standard/image-to-video",
                "prompt", "a cat",
                "image_url", "https://example.com/cat.png",
                "duration", "3");
        CallToolResult first = call(alice, "generate", cheap);
        assertThat(first.isError())
                .as(String.valueOf(first.structuredContent()))
                .isFalse();
        CallToolResult second = call(alice, "generate", cheap);
        assertThat(second.isError()).isTrue();
        assertThat(error(second).get("message").toString())
                .contains("1 unfinished jobs", "limit is 1", "limits.concurrent-jobs");
        assertThat(listed(alice)).isEqualTo(1);

        // Bob's allowance is his own.
        McpSyncClient bob = server.client("bob-token");
        assertThat(call(bob, "generate", cheap).isError()).isFalse();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> error(CallToolResult r) {
        return (Map<String, Object>) structured(r).get("error");
    }

    @SuppressWarnings("unchecked")
    private static int listed(McpSyncClient client) {
        return ((java.util.List<Object>)
                        structured(call(client, "list_jobs", Map.of())).get("jobs"))
                .size();
    }
}
