package dev.klingmcp.server.fal.impl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.fal.client.ApiException;
import dev.klingmcp.fal.client.api.QueueApi;
import dev.klingmcp.fal.client.model.KlingVideoO34kReferenceToVideoInput;
import dev.klingmcp.fal.client.model.KlingVideoO3ProReferenceToVideoInput;
import dev.klingmcp.fal.client.model.KlingVideoO3StandardImageToVideoInput;
import dev.klingmcp.fal.client.model.QueueStatus;
import dev.klingmcp.server.fal.FalException;
import java.io.IOException;
import java.util.Map;

/**
 * Which generated operation submits to which endpoint. The generated client has one typed submit per endpoint (its input
 * model is the endpoint's input component), so adding an endpoint to the registry means one line here after the build
 * regenerated the client. Status, result and cancel use fal's {@code owner/app} paths, shared by every Kling endpoint, as
 * fal's own clients do.
 */
final class QueueOperations {

    @FunctionalInterface
    interface Submit {
        QueueStatus submit(QueueApi api, ObjectMapper mapper, ObjectNode input, String webhook)
                throws ApiException, IOException;
    }

    private static final Map<String, Submit> SUBMITS = Map.of(
            "fal-ai/kling-video/o3/pro/reference-to-video",
                    (api, m, in, hook) -> api.submitKlingVideoO3ProReferenceToVideo(
                            m.treeToValue(in, KlingVideoO3ProReferenceToVideoInput.class), hook, null, null, null),
            "fal-ai/kling-video/o3/4k/reference-to-video",
                    (api, m, in, hook) -> api.submitKlingVideoO34kReferenceToVideo(
                            m.treeToValue(in, KlingVideoO34kReferenceToVideoInput.class), hook, null, null, null),
            "fal-ai/kling-video/o3/standard/image-to-video",
                    (api, m, in, hook) -> api.submitKlingVideoO3StandardImageToVideo(
                            m.treeToValue(in, KlingVideoO3StandardImageToVideoInput.class), hook, null, null, null));

    private QueueOperations() {}

    static Submit submitFor(String endpointId) {
        Submit s = SUBMITS.get(endpointId);
        if (s == null) {
            throw FalException.protocol("no generated submit operation for " + endpointId + "; known: "
                    + String.join(", ", SUBMITS.keySet()));
        }
        return s;
    }

    /** The owner/app prefix the generated status/result/cancel operations are bound to. */
    static final String APP_ID = "fal-ai/kling-video";
}
