package dev.klingmcp.contract.fal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JavaScript usage mock-fal's README shows ({@code js/scenario-and-report.mjs}), run as written: a scenario sent to
 * {@code PUT /_mock/scenario}, fal's own client submitting a sloppy input through two 429s, and the request report
 * naming what the client got wrong. Keeps the README's non-Java instructions from rotting.
 */
class FalClientScenarioReportTest {

    @Test
    void aScenarioOverTheControlApiAndTheReportWorkFromFalsJsClient() {
        try (MockFal fal = MockFal.start(new MockFalOptions().setLogRequests(false))) {
            JsonNode out =
                    NodeScript.of("scenario-and-report.mjs", fal.baseUrl()).run();

            // fal's client retries a 429 by itself: the scenario's two refusals, then the accepted submit
            assertThat(out.path("submit").path("accepted").asBoolean())
                    .as(out.toString())
                    .isTrue();
            assertThat(out.path("attempts").asInt()).isEqualTo(3);
            List<String> violations = new ArrayList<>();
            out.path("violations").forEach(v -> violations.add(v.asText()));
            assertThat(violations)
                    .hasSize(6)
                    .anySatisfy(v -> assertThat(v).contains("-> 200: body /duration must be a string"))
                    .anySatisfy(v -> assertThat(v).contains("-> 200: body /colour unknown field 'colour'"));
            assertThat(fal.control().clock().manual()).isTrue();
        }
    }
}
