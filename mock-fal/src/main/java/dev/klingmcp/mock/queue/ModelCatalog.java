package dev.klingmcp.mock.queue;

import java.util.Collection;
import java.util.Optional;

/** The endpoints the mock serves. */
public interface ModelCatalog {

    /** All endpoints, in a stable order. */
    Collection<ModelEndpoint> endpoints();

    /** The endpoint with exactly this full id. */
    default Optional<ModelEndpoint> byId(String endpointId) {
        return endpoints().stream().filter(e -> e.id().equals(endpointId)).findFirst();
    }

    /** Whether some endpoint lives under {@code owner/app}. */
    default boolean hasApp(String appId) {
        return endpoints().stream().anyMatch(e -> e.appId().equals(appId));
    }
}
