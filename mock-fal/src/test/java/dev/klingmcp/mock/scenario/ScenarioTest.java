package dev.klingmcp.mock.scenario;

import static dev.klingmcp.mock.MockFalHarness.STANDARD;
import static dev.klingmcp.mock.MockFalHarness.STANDARD_INPUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.MockFalHarness;
import dev.klingmcp.mock.MockFalHarness.Response;
import dev.klingmcp.mock.http.FalJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class ScenarioTest {

    @Test
    void aScenarioOverTheControlApiSetsClockAndFaultsAndResetRestoresTheStart() {
        try (MockFalHarness mock = MockFalHarness.start()) {
            Response put = mock.put(
                    "/_mock/scenario",
                    "{\"description\":\"busy fal\",\"clock\":{\"mode\":\"scaled\",\"speed\":1000},"
                            + "\"faults\":\"submit=429x2,retry_after=3\"}");
            assertThat(put.status()).as(put.body()).isEqualTo(200);
            assertThat(put.json().get("clock").get("mode").asText()).isEqualTo("scaled");

            Response first = mock.post("/" + STANDARD, STANDARD_INPUT);
            assertThat(first.status()).isEqualTo(429);
            assertThat(first.header("Retry-After")).isEqualTo("3");
            assertThat(mock.post("/" + STANDARD, STANDARD_INPUT).status()).isEqualTo(429);
            String id = mock.submit(STANDARD, STANDARD_INPUT);
            // scaled x1000: the 66 s standard job is done in well under a second of real time
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> mock.get("/fal-ai/kling-video/requests/" + id + "/status")
                                    .status()
                            == 200);

            assertThat(mock.get("/_mock/scenario").json().toString()).contains("\"mode\":\"scaled\"");
            mock.post("/_mock/reset", null);
            assertThat(mock.get("/_mock/clock").json().get("mode").asText()).isEqualTo("manual");
        }
    }

    @Test
    void theClockSwitchesWithoutMovingTime() {
        try (MockFalHarness mock = MockFalHarness.start()) {
            long before = mock.control().nowMillis();
            assertThat(mock.put("/_mock/clock", "{\"mode\":\"scaled\",\"speed\":2}")
                            .status())
                    .isEqualTo(200);
            assertThat(mock.post("/_mock/clock/advance", "{\"seconds\":1}").status())
                    .isEqualTo(409);
            JsonNode manual = mock.put("/_mock/clock", "{\"mode\":\"manual\"}").json();
            long frozen = manual.get("now_millis").asLong();
            assertThat(frozen).isGreaterThanOrEqualTo(before).isLessThan(before + 60_000);
            assertThat(mock.control().nowMillis()).isEqualTo(frozen);
        }
    }

    @Test
    void aBadScenarioIsRefusedNamingTheMember() {
        try (MockFalHarness mock = MockFalHarness.start()) {
            Response r = mock.put("/_mock/scenario", "{\"clock\":{\"mode\":\"fast\"},\"fautls\":\"x\"}");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().get("detail").asText()).contains("mode", "fautls");
            assertThat(mock.get("/_mock/scenario/schema").json().get("title").asText())
                    .isEqualTo("mock-fal scenario");
        }
        assertThatThrownBy(() -> ScenarioJson.parse(FalJson.MAPPER.readTree("{\"faults\":\"status=418\"}")))
                .hasMessageContaining("status=418");
    }

    @Test
    void theJsonPlanFormIsAcceptedAndWhatGetAnswersCanBePutBack() throws Exception {
        Scenario s = ScenarioJson.parse(FalJson.MAPPER.readTree(
                "{\"faults\":{\"routes\":{\"status\":{\"script\":[\"503\"]}},\"job\":{\"script\":[\"stuck\"]}}}"));
        assertThat(s.clock()).isNull();
        assertThat(s.faults().jobScript()).hasSize(1);
        JsonNode back = ScenarioJson.toJson(false, 60, s.faults());
        assertThat(ScenarioJson.parse(back).clock()).isEqualTo(Scenario.Clock.scaled(60));
    }

    @Test
    void theShippedScenarioFilesAreValid() throws Exception {
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of("scenarios"))) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(3);
        for (Path file : files) {
            Scenario scenario = ScenarioJson.read(file);
            assertThat(scenario.faults()).as(file.toString()).isNotNull();
            assertThat(scenario.clock()).as(file.toString()).isNotNull();
        }
    }
}
