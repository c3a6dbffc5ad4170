package dev.klingmcp.mock.junit;

import static dev.klingmcp.mock.junit.Http.GOOD_INPUT;
import static dev.klingmcp.mock.junit.Http.STANDARD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.klingmcp.mock.report.ContractViolation;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProgrammaticExtensionTest {

    @RegisterExtension
    static final MockFalExtension FAL =
            MockFalExtension.builder().manualClock().faults("status=503").build();

    @Test
    void builderSettingsHoldInEveryTest() {
        assertThat(FAL.control().clock().manual()).isTrue();
        String id = submit();
        assertThat(Http.get(FAL.baseUrl(), "/fal-ai/kling-video/requests/" + id + "/status")
                        .statusCode())
                .isEqualTo(503);
        long before = FAL.control().nowMillis();
        FAL.control().advanceClock(Duration.ofSeconds(5));
        assertThat(FAL.control().nowMillis()).isEqualTo(before + 5000);
    }

    @Test
    @ClockSpeed(500)
    void aTestCanRunTheClockAndTheResetStopsItAgain() {
        assertThat(FAL.control().clock().speed()).isEqualTo(500);
    }

    @Test
    void theReportNamesANumericDurationAndAnUnknownFieldWithTheirPaths() {
        String wrong = "{\"prompt\":\"a cat walks\",\"image_url\":\"https://example.com/cat.png\","
                + "\"duration\":8,\"colour\":\"red\"}";
        assertThat(Http.post(FAL.baseUrl(), "/" + STANDARD, wrong).statusCode()).isEqualTo(200);

        assertThat(FAL.requests().get(0).violations())
                .extracting(ContractViolation::where, ContractViolation::path, ContractViolation::type)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("body", "/duration", "string_type"),
                        org.assertj.core.groups.Tuple.tuple("body", "/colour", "extra_forbidden"));
        assertThatThrownBy(FAL::assertNoContractViolations)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("#1 POST /" + STANDARD + " -> 200")
                .hasMessageContaining("body /duration: ")
                .hasMessageContaining("body /colour: unknown field 'colour'");
        FAL.control().reset(); // this test's mistakes are on purpose
    }

    private static String submit() {
        return Http.post(FAL.baseUrl(), "/" + STANDARD, GOOD_INPUT)
                .body()
                .replaceAll(".*\"request_id\":\"([^\"]+)\".*", "$1");
    }
}
