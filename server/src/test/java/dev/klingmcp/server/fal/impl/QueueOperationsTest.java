package dev.klingmcp.server.fal.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.fal.FalException;
import org.junit.jupiter.api.Test;

/** Every registry entry finds its generated submit by the registry alone; an entry without one is refused by name. */
class QueueOperationsTest {

    @Test
    void everyRegisteredEndpointHasItsGeneratedSubmit() {
        for (FalEndpoint e : FalEndpoints.load().all()) {
            assertThat(QueueOperations.submitFor(e)).as(e.id()).isNotNull();
        }
    }

    @Test
    void anEndpointTheClientWasNotGeneratedForIsNamedInTheError() throws Exception {
        FalEndpoint real = FalEndpoints.load().all().get(0);
        ObjectMapper json = new ObjectMapper();
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) json.valueToTree(real);
        node.put("id", "fal-ai/kling-video/o9/ultra/text-to-video").put("inputComponent", "KlingVideoO9Input");
        FalEndpoint unknown = json.treeToValue(node, FalEndpoint.class);
        assertThatThrownBy(() -> QueueOperations.submitFor(unknown))
                .isInstanceOf(FalException.class)
                .hasMessageContaining("submitKlingVideoO9UltraTextToVideo")
                .hasMessageContaining("KlingVideoO9Input");
    }
}
