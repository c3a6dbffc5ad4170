package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inputs.allowed-hosts} as an operator uses it: media URLs on a named internal host (plain http) or a private
 * address are refused by default and accepted once that host is configured; every other host stays under the default
 * rule (https, public). Dry runs through the real server process, so nothing is submitted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AllowedHostsTests {

    private static final String MODEL = "o3/standard/image-to-video";

    @TempDir
    Path root;

    @Test
    void configuredHostsMayBePlainHttpOrPrivateOthersMayNot() {
        ServerCommand.assumeServerBuilt();
        // Never contacted: dry runs only.
        String fal = "https://queue.fal.run";
        ServerSetup plain = ServerSetup.under(root.resolve("default"), fal, SecretScan.FAL_KEY);
        try (StdioServer server = StdioServer.start(plain, new Recorder(root.resolve("default.log")))) {
            for (String url : List.of("http://media.internal/a.png", "https://10.0.0.5/a.png")) {
                ToolCall refused = dryRun(server, url);
                assertThat(refused.isError()).as("%s", refused).isTrue();
                assertThat(refused.problemPaths()).as("%s", refused).contains("/image_url");
            }
        }
        ServerSetup allowing = ServerSetup.under(root.resolve("allowing"), fal, SecretScan.FAL_KEY)
                .with("KLING_MCP_INPUTS_ALLOWED_HOSTS", "media.internal,10.0.0.5");
        try (StdioServer server = StdioServer.start(allowing, new Recorder(root.resolve("allowing.log")))) {
            for (String url : List.of("http://media.internal/a.png", "https://10.0.0.5/a.png")) {
                ToolCall accepted = dryRun(server, url);
                assertThat(accepted.isError()).as("%s", accepted).isFalse();
                assertThat(accepted.at("/dry_run").asBoolean()).isTrue();
            }
            for (String url :
                    List.of("http://other.example/a.png", "https://10.0.0.6/a.png", "http://169.254.169.254/")) {
                ToolCall refused = dryRun(server, url);
                assertThat(refused.isError()).as("%s", refused).isTrue();
                assertThat(refused.problemPaths()).as("%s", refused).contains("/image_url");
            }
        }
    }

    private static ToolCall dryRun(StdioServer server, String imageUrl) {
        return server.session()
                .call(
                        "generate",
                        Map.of("model", MODEL, "prompt", "allowed hosts", "image_url", imageUrl, "dry_run", true));
    }
}
