package dev.klingmcp.mock.junit;

import static dev.klingmcp.mock.junit.Http.GOOD_INPUT;
import static dev.klingmcp.mock.junit.Http.STANDARD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.mock.MockControl;
import dev.klingmcp.mock.MockFal;
import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(MockFalExtension.class)
@MockFalSettings(apiKeys = "test-key")
class DeclarativeExtensionTest {

    @InjectMockFal
    MockFal injected;

    @InjectMockFal
    String baseUrl;

    @InjectMockFal
    MockControl control;

    /** Run twice on the class's one mock: the second run sees a fresh mock only because of the reset. */
    @RepeatedTest(2)
    void everyTestStartsFromAnEmptyMock(MockFal fal) {
        assertThat(fal.control().jobs()).isEmpty();
        assertThat(fal.control().requests()).isEmpty();
        assertThat(Http.post(fal.baseUrl(), "/" + STANDARD, GOOD_INPUT).statusCode())
                .isEqualTo(200);
        assertThat(fal.control().jobs()).hasSize(1);
    }

    @Test
    @Faults("submit=429x2,retry_after=2")
    void faultsFromTheAnnotationApplyToThisTestOnly(MockFal fal) {
        var first = Http.post(fal.baseUrl(), "/" + STANDARD, GOOD_INPUT);
        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(Http.post(fal.baseUrl(), "/" + STANDARD, GOOD_INPUT).statusCode())
                .isEqualTo(429);
        assertThat(Http.post(fal.baseUrl(), "/" + STANDARD, GOOD_INPUT).statusCode())
                .isEqualTo(200);
        assertThat(fal.control().submits().get(STANDARD).attempts()).isEqualTo(3);
    }

    @Test
    @ManualClock
    @Faults("job=stuck")
    void aStuckJobStaysQueuedWhateverTheClockSays(MockControl control, MockFalExtension fal) {
        String id = Http.post(fal.baseUrl(), "/" + STANDARD, GOOD_INPUT)
                .body()
                .replaceAll(".*\"request_id\":\"([^\"]+)\".*", "$1");
        control.advanceClock(Duration.ofHours(1));
        assertThat(Http.get(fal.baseUrl(), "/fal-ai/kling-video/requests/" + id + "/status")
                        .body())
                .contains("IN_QUEUE");
        fal.assertNoContractViolations();
    }

    @Test
    void byDefaultTimeRunsFastOnLoopback(MockFal fal) {
        assertThat(fal.baseUrl()).startsWith("http://127.0.0.1:");
        assertThat(injected).isSameAs(fal);
        assertThat(baseUrl).isEqualTo(fal.baseUrl());
        assertThat(control).isSameAs(fal.control());
        assertThat(fal.control().clock().manual()).isFalse();
    }
}
