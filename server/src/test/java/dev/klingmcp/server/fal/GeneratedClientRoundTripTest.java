package dev.klingmcp.server.fal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.fal.client.JSON;
import dev.klingmcp.fal.client.model.KlingVideoO34kReferenceToVideoOutput;
import dev.klingmcp.fal.client.model.KlingVideoO3ProReferenceToVideoOutput;
import dev.klingmcp.fal.client.model.KlingVideoO3StandardImageToVideoOutput;
import dev.klingmcp.fal.client.model.QueueStatus;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** fal's queue and output JSON survive a trip through the generated models and Jackson unchanged. */
class GeneratedClientRoundTripTest {

    private final ObjectMapper mapper = new JSON().getMapper();

    private JsonNode roundTrip(String json, Class<?> type) throws Exception {
        Object model = mapper.readValue(json, type);
        return mapper.readTree(mapper.writeValueAsString(model));
    }

    private static final String URLS = "\"request_id\":\"019fd35a-6f0c-7b33-b913-f9460e1b6511\","
            + "\"response_url\":\"https://queue.fal.run/fal-ai/kling-video/requests/019fd35a-6f0c-7b33-b913-f9460e1b6511\","
            + "\"status_url\":\"https://queue.fal.run/fal-ai/kling-video/requests/019fd35a-6f0c-7b33-b913-f9460e1b6511/status\","
            + "\"cancel_url\":\"https://queue.fal.run/fal-ai/kling-video/requests/019fd35a-6f0c-7b33-b913-f9460e1b6511/cancel\"";

    @Test
    void inQueueKeepsItsPosition() throws Exception {
        String json = "{\"status\":\"IN_QUEUE\"," + URLS + ",\"queue_position\":3}";
        QueueStatus s = mapper.readValue(json, QueueStatus.class);
        assertThat(s.getStatus()).isEqualTo(QueueStatus.StatusEnum.IN_QUEUE);
        assertThat(s.getQueuePosition()).isEqualTo(3);
        assertThat(roundTrip(json, QueueStatus.class)).isEqualTo(mapper.readTree(json));
    }

    @Test
    void inProgressKeepsItsLogArray() throws Exception {
        String json = "{\"status\":\"IN_PROGRESS\"," + URLS + ",\"logs\":["
                + "{\"message\":\"Preprocessing references\",\"level\":\"INFO\",\"source\":\"USER\",\"timestamp\":\"2026-11-21T10:00:01.120314\"},"
                + "{\"message\":\"Generating frames 24/120\",\"level\":\"STDERR\",\"source\":\"USER\",\"timestamp\":\"2026-11-21T10:00:09.5\"}]}";
        QueueStatus s = mapper.readValue(json, QueueStatus.class);
        assertThat(s.getLogs()).hasSize(2);
        assertThat(s.getLogs().get(1).getMessage()).isEqualTo("Generating frames 24/120");
        assertThat(roundTrip(json, QueueStatus.class)).isEqualTo(mapper.readTree(json));
    }

    @Test
    void completedKeepsLogsMetricsAndAnError() throws Exception {
        String json = "{\"status\":\"COMPLETED\"," + URLS + ",\"logs\":[{\"message\":\"done\",\"level\":\"INFO\","
                + "\"source\":\"USER\",\"timestamp\":\"2026-11-21T10:05:00\"}],\"metrics\":{\"inference_time\":17.795265674591064},"
                + "\"error\":\"Runner disconnected\",\"error_type\":\"runner_disconnected\"}";
        QueueStatus s = mapper.readValue(json, QueueStatus.class);
        assertThat(s.getStatus()).isEqualTo(QueueStatus.StatusEnum.COMPLETED);
        assertThat(s.getMetrics().getInferenceTime()).isEqualByComparingTo(new BigDecimal("17.795265674591064"));
        assertThat(roundTrip(json, QueueStatus.class)).isEqualTo(mapper.readTree(json));
    }

    @Test
    void logsWithoutLevelOrSourceAndEmptyMetricsAreTolerated() throws Exception {
        String json = "{\"status\":\"COMPLETED\"," + URLS + ",\"logs\":[{\"timestamp\":\"2024-12-20T15:37:32.161184\","
                + "\"message\":\"INFO:TRYON:Finished\",\"labels\":{}}],\"metrics\":{}}";
        QueueStatus s = mapper.readValue(json, QueueStatus.class);
        assertThat(s.getLogs().get(0).getLevel()).isNull();
        assertThat(s.getMetrics().getInferenceTime()).isNull();
    }

    @Test
    void aStatusFalMightAddLaterDoesNotBreakParsing() throws Exception {
        QueueStatus s = mapper.readValue("{\"status\":\"CANCELLED\",\"request_id\":\"r\"}", QueueStatus.class);
        assertThat(s.getStatus()).isEqualTo(QueueStatus.StatusEnum.UNKNOWN_DEFAULT_OPEN_API);
    }

    @ParameterizedTest
    @ValueSource(
            classes = {
                KlingVideoO3ProReferenceToVideoOutput.class,
                KlingVideoO34kReferenceToVideoOutput.class,
                KlingVideoO3StandardImageToVideoOutput.class
            })
    void everyEndpointOutputRoundTrips(Class<?> outputType) throws Exception {
        String json = "{\"video\":{\"url\":\"https://v3b.fal.media/files/b/0a8d1c8a/ZxdKrvPb3CQEmeuS-u_kU_output.mp4\","
                + "\"content_type\":\"video/mp4\",\"file_name\":\"output.mp4\",\"file_size\":18468404}}";
        assertThat(roundTrip(json, outputType)).isEqualTo(mapper.readTree(json));
        String minimal = "{\"video\":{\"url\":\"https://v3b.fal.media/files/x.mp4\"}}";
        assertThat(roundTrip(minimal, outputType)).isEqualTo(mapper.readTree(minimal));
    }
}
