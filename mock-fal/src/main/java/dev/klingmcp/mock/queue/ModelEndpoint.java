package dev.klingmcp.mock.queue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Function;

/**
 * What the queue needs to know about one model endpoint. Built from the openapi module's registry
 * ({@code dev.klingmcp.mock.impl.OpenApiModelCatalog}); the queue itself never reads schemas, so it stays testable with
 * any endpoint.
 *
 * @param id              full endpoint id, e.g. {@code fal-ai/kling-video/o3/pro/reference-to-video}
 * @param appId           {@code owner/app}, e.g. {@code fal-ai/kling-video}: the prefix of status/result/cancel URLs
 * @param queueSeconds    typical real-time wait before a runner picks the job up
 * @param runSecondsPer5s typical real-time run for 5 s of output video; scaled linearly with the requested duration
 * @param validator       validates the input the way the runner does; an empty list means valid
 */
public record ModelEndpoint(
        String id,
        String appId,
        double queueSeconds,
        double runSecondsPer5s,
        Function<JsonNode, List<InputProblem>> validator) {

    public ModelEndpoint {
        if (!id.startsWith(appId + "/") && !id.equals(appId)) {
            throw new IllegalArgumentException("endpoint id " + id + " does not start with its app id " + appId);
        }
    }
}
