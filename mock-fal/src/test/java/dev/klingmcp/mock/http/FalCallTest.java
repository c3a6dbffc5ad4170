package dev.klingmcp.mock.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.mock.queue.ModelCatalog;
import dev.klingmcp.mock.queue.ModelEndpoint;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class FalCallTest {

    private static final ModelEndpoint PRO = new ModelEndpoint(
            "fal-ai/kling-video/o3/pro/reference-to-video", "fal-ai/kling-video", 1, 1, in -> List.of());
    private static final ModelCatalog CATALOG = new ModelCatalog() {
        @Override
        public Collection<ModelEndpoint> endpoints() {
            return List.of(PRO);
        }
    };

    @Test
    void submitOnTheFullIdQueueOrSync() {
        assertThat(FalCall.parse("/fal-ai/kling-video/o3/pro/reference-to-video", false, CATALOG)
                        .kind())
                .isEqualTo(FalCall.Kind.SUBMIT);
        FalCall sync = FalCall.parse("/fal-ai/kling-video/o3/pro/reference-to-video/", true, CATALOG);
        assertThat(sync.kind()).isEqualTo(FalCall.Kind.SYNC);
        assertThat(sync.endpoint()).isEqualTo(PRO);
    }

    @Test
    void requestCallsOnBothPrefixes() {
        FalCall shortForm = FalCall.parse("/fal-ai/kling-video/requests/abc/status/stream", false, CATALOG);
        assertThat(shortForm.kind()).isEqualTo(FalCall.Kind.STREAM);
        assertThat(shortForm.requestId()).isEqualTo("abc");
        assertThat(shortForm.endpoint()).isNull();
        FalCall longForm =
                FalCall.parse("/fal-ai/kling-video/o3/pro/reference-to-video/requests/abc/cancel/", false, CATALOG);
        assertThat(longForm.kind()).isEqualTo(FalCall.Kind.CANCEL);
        assertThat(longForm.endpoint()).isEqualTo(PRO);
        assertThat(FalCall.parse("/fal-ai/kling-video/requests/abc", false, CATALOG)
                        .kind())
                .isEqualTo(FalCall.Kind.RESULT);
        assertThat(FalCall.parse("/fal-ai/kling-video/requests/abc/response", false, CATALOG)
                        .kind())
                .isEqualTo(FalCall.Kind.RESULT);
        assertThat(FalCall.parse("/fal-ai/kling-video/requests/abc/status", false, CATALOG)
                        .kind())
                .isEqualTo(FalCall.Kind.STATUS);
    }

    @Test
    void notFoundMessagesFollowFalsGateway() {
        assertThat(FalCall.parse("/fal-ai/kling-video/o3/quality", false, CATALOG)
                        .notFound())
                .isEqualTo("Path /o3/quality not found");
        assertThat(FalCall.parse("/other/app/x", false, CATALOG).notFound()).isEqualTo("Path /other/app/x not found");
        assertThat(FalCall.parse("/fal-ai/kling-video/requests/abc/teleport", false, CATALOG)
                        .kind())
                .isEqualTo(FalCall.Kind.NOT_FOUND);
        assertThat(FalCall.parse("/fal-ai/kling-video/requests", false, CATALOG).kind())
                .isEqualTo(FalCall.Kind.NOT_FOUND);
        assertThat(FalCall.parse("/", false, CATALOG).kind()).isEqualTo(FalCall.Kind.NOT_FOUND);
    }
}
