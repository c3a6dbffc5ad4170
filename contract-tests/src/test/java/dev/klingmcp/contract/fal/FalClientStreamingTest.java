package dev.klingmcp.contract.fal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code fal.subscribe(..., {mode: "streaming"})} held open on a manual clock, so what the stream carries does not
 * depend on how fast this machine is: the client sees the queued state, keep-alive {@code : ping} comments while
 * nothing changes, one event per change as the test moves the clock, and the result after the final COMPLETED.
 */
class FalClientStreamingTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final FalClientBench bench = FalClientBench.manualClock();

    private static String awaitLiveStreamContaining(String text) {
        return await().atMost(WAIT)
                .until(
                        () -> bench.liveStreams().stream()
                                .filter(stream -> stream.contains(text))
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.klingmcp.contract.fal.SeedExample#onePerEndpoint")
    void streamCarriesEachChangeAndPingsUntilCompleted(SeedExample example) throws Exception {
        CompletableFuture<JsonNode> running =
                bench.script("subscribe.mjs", example).arg("mode", "streaming").start();

        String queued = awaitLiveStreamContaining(": ping");
        assertThat(queued).contains("\"status\":\"IN_QUEUE\"").doesNotContain("IN_PROGRESS");
        bench.control()
                .advanceClock(
                        Duration.ofSeconds((long) example.endpoint().timing().queueSeconds() + 1));
        awaitLiveStreamContaining("\"status\":\"IN_PROGRESS\"");
        bench.control().advanceClock(Duration.ofHours(1));
        JsonNode out = running.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(out.path("outcome").asText()).as("%s", out).isEqualTo("completed");
        assertThat(out.path("statuses"))
                .extracting(JsonNode::asText)
                .containsExactly("IN_QUEUE", "IN_PROGRESS", "COMPLETED");
        assertThat(out.path("logCount").asInt()).isPositive();
        FalClientSupport.assertVideoMatches(
                out.path("data").path("video"),
                example.requestedSeconds(),
                example.requestedAspectRatio(),
                bench.work());
    }
}
