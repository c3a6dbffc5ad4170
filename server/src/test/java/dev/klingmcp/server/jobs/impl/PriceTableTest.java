package dev.klingmcp.server.jobs.impl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.jobs.CostEstimate;
import org.junit.jupiter.api.Test;

/**
 * fal's 4K page: reference elements given as a video "may be priced under a separate tier", for which fal publishes no
 * rate. The estimate keeps its number but its basis, which the agent shows the person, says so.
 */
class PriceTableTest {

    private static final FalEndpoints REGISTRY = FalEndpoints.load();

    private static final PriceTable PRICES = PriceTable.load(REGISTRY, null);

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aVideoElementIsSaidToMayCostMoreThanTheEstimate() throws Exception {
        FalEndpoint k4 = REGISTRY.find("o3/4k/reference-to-video").orElseThrow();
        ObjectNode images = (ObjectNode)
                JSON.readTree(
                        "{\"prompt\":\"@Element1\",\"duration\":\"5\",\"elements\":"
                                + "[{\"frontal_image_url\":\"https://a.example/f.png\",\"reference_image_urls\":[\"https://a.example/r.png\"]}]}");
        ObjectNode video = (ObjectNode) JSON.readTree("{\"prompt\":\"@Element1\",\"duration\":\"5\",\"elements\":"
                + "[{\"video_url\":\"https://a.example/v.mp4\"}]}");
        CostEstimate plain = PRICES.estimate(k4, images);
        CostEstimate withVideo = PRICES.estimate(k4, video);
        assertThat(plain.usd()).isEqualTo(2.10);
        assertThat(plain.basis()).isEqualTo("5 s × $0.42/s (o3/4k/reference-to-video, audio off) = $2.10");
        assertThat(withVideo.usd()).isEqualTo(2.10);
        assertThat(withVideo.basis())
                .startsWith(plain.basis())
                .contains("video_url")
                .contains("may bill");
    }
}
