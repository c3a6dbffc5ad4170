package dev.klingmcp.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecBundlerTest {

    @Test
    void bundleHoldsEveryPathOnceWithOperationIdsAndTags() {
        ObjectNode bundle = SpecBundler.bundle(FalEndpoints.load());
        assertThat(bundle.at("/components/schemas/QueueStatus").isObject()).isTrue();
        assertThat(bundle.at("/components/schemas/KlingVideoO34kReferenceToVideoInput")
                        .isObject())
                .isTrue();
        assertThat(bundle.at("/paths/~1fal-ai~1kling-video~1requests~1{request_id}~1status/get/operationId")
                        .asText())
                .isEqualTo("statusKlingVideo");
        assertThat(bundle.at("/paths/~1fal-ai~1kling-video~1o3~1pro~1reference-to-video/post/operationId")
                        .asText())
                .isEqualTo("submitKlingVideoO3ProReferenceToVideo");
        assertThat(bundle.at("/paths/~1storage~1upload~1initiate/post/tags/0").asText())
                .isEqualTo("Storage");
        assertThat(bundle.at("/paths/~1storage~1upload~1initiate/post/servers/0/url")
                        .asText())
                .isEqualTo("https://rest.fal.ai");
        // fal's 3.1-style optional fields become 3.0 nullable for the generator; nothing else changes
        assertThat(bundle.at("/components/schemas/KlingVideoO3ProReferenceToVideoInput/properties/prompt/maxLength")
                        .asInt())
                .isEqualTo(2500);
        assertThat(bundle.at("/components/schemas/KlingVideoO3ProReferenceToVideoInput/properties/prompt/nullable")
                        .asBoolean())
                .isTrue();
        assertThat(bundle.toString()).doesNotContain("\"type\":\"null\"");
    }

    @Test
    void disagreeingSharedComponentFailsTheBuild() {
        List<OpenApiDocument> docs = new ArrayList<>();
        FalEndpoints.load().all().forEach(e -> docs.add(OpenApiDocument.of(e)));
        ObjectNode drifted = (ObjectNode) docs.get(1).root().deepCopy();
        ((ObjectNode) drifted.at("/components/schemas/File/properties"))
                .putObject("extra")
                .put("type", "string");
        docs.set(1, OpenApiDocument.of("drifted.json", drifted));
        assertThatThrownBy(() -> SpecBundler.bundle(docs))
                .hasMessageContaining("File")
                .hasMessageContaining("drifted.json");
    }

    @Test
    void disagreeingSharedPathFailsTheBuild() {
        List<OpenApiDocument> docs = new ArrayList<>();
        FalEndpoints.load().all().forEach(e -> docs.add(OpenApiDocument.of(e)));
        ObjectNode drifted = (ObjectNode) docs.get(2).root().deepCopy();
        ((ObjectNode) drifted.at("/paths/~1fal-ai~1kling-video~1requests~1{request_id}/get/responses")).remove("422");
        docs.set(2, OpenApiDocument.of("drifted.json", drifted));
        assertThatThrownBy(() -> SpecBundler.bundle(docs))
                .hasMessageContaining("/fal-ai/kling-video/requests/{request_id}");
    }

    @Test
    void operationIdsNameVerbAndSubject() {
        assertThat(SpecBundler.operationId("/fal-ai/kling-video/requests/{request_id}/status/stream", "get"))
                .isEqualTo("statusStreamKlingVideo");
        assertThat(SpecBundler.operationId(
                        "/fal-ai/kling-video/o3/4k/reference-to-video/requests/{request_id}/cancel", "put"))
                .isEqualTo("cancelKlingVideoO34kReferenceToVideo");
    }
}
