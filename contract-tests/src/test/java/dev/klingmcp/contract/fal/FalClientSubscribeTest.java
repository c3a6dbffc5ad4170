package dev.klingmcp.contract.fal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.contract.openapi.RecordedExchange;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code fal.subscribe} from fal's own JS client, in polling and in streaming mode, with every input example of fal's
 * doc pages for the three endpoints: valid ones end with a decodable MP4 of the requested length and shape; invalid
 * ones (fal's own quick starts and two doc examples break the documented rules) surface as the client's
 * {@code ValidationError} with field errors.
 */
class FalClientSubscribeTest {

    @RegisterExtension
    static final FalClientBench bench = FalClientBench.fast();

    static Stream<Arguments> validExamplesInBothModes() {
        return withModes(SeedExample.acceptedOnes());
    }

    static Stream<Arguments> invalidExamplesInBothModes() {
        return withModes(SeedExample.rejectedOnes());
    }

    private static Stream<Arguments> withModes(Stream<SeedExample> examples) {
        List<Arguments> out = new ArrayList<>();
        examples.forEach(
                example -> List.of("polling", "streaming").forEach(mode -> out.add(Arguments.of(example, mode))));
        return out.stream();
    }

    private static JsonNode subscribe(SeedExample example, String mode) {
        return bench.script("subscribe.mjs", example).arg("mode", mode).run();
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("validExamplesInBothModes")
    void subscribeEndsWithTheRequestedVideo(SeedExample example, String mode) throws Exception {
        JsonNode out = subscribe(example, mode);

        assertThat(out.path("outcome").asText()).as("%s", out).isEqualTo("completed");
        assertThat(out.path("requestId").asText())
                .isNotBlank()
                .isEqualTo(out.path("enqueuedId").asText());
        assertThat(out.path("statuses").get(out.path("statuses").size() - 1).asText())
                .isEqualTo("COMPLETED");
        assertThat(out.path("logCount").asInt())
                .as("logs reached onQueueUpdate")
                .isPositive();
        assertModeWasUsed(out.path("requestId").asText(), mode);
        JsonNode videoFile = out.path("data").path("video");
        assertThat(videoFile.path("url").asText()).startsWith(bench.baseUrl() + "/");
        FalClientSupport.assertVideoMatches(
                videoFile, example.requestedSeconds(), example.requestedAspectRatio(), bench.work());
    }

    /** Streaming must really use the event stream, polling must never open one. (Pings: FalClientStreamingTest.) */
    private static void assertModeWasUsed(String requestId, String mode) {
        List<RecordedExchange> streams = bench.exchanges().stream()
                .filter(exchange -> exchange.path().endsWith("/requests/" + requestId + "/status/stream"))
                .toList();
        if (mode.equals("streaming")) {
            assertThat(streams).singleElement().satisfies(stream -> {
                assertThat(stream.mediaType()).isEqualTo("text/event-stream");
                assertThat(stream.bodyText()).contains("\"COMPLETED\"");
            });
        } else {
            assertThat(streams).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("invalidExamplesInBothModes")
    void invalidInputSurfacesAsValidationError(SeedExample example, String mode) {
        JsonNode out = subscribe(example, mode);

        assertThat(out.path("outcome").asText()).as("%s", out).isEqualTo("error");
        JsonNode error = out.path("error");
        assertThat(error.path("name").asText()).as("%s", error).isEqualTo("ValidationError");
        assertThat(error.path("isValidationError").asBoolean()).isTrue();
        assertThat(error.path("status").asInt()).isEqualTo(422);
        assertThat(error.path("requestId").asText())
                .as("x-fal-request-id on the 422")
                .isEqualTo(out.path("enqueuedId").asText());
        JsonNode fieldErrors = error.path("fieldErrors");
        assertThat(fieldErrors.isArray() && !fieldErrors.isEmpty())
                .as("fieldErrors of %s", error)
                .isTrue();
        for (JsonNode fieldError : fieldErrors) {
            assertThat(fieldError.path("loc").path(0).asText()).isEqualTo("body");
            assertThat(fieldError.path("msg").asText()).isNotBlank();
            assertThat(fieldError.path("type").asText()).isNotBlank();
        }
        assertThat(fieldErrors.findValuesAsText("type")).as("%s", fieldErrors).isNotEmpty();
    }
}
