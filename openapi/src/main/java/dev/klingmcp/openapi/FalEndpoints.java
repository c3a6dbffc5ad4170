package dev.klingmcp.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of fal endpoints, read from {@code openapi/registry.json} on the classpath. The registry says which
 * OpenAPI document describes each endpoint; everything about fields comes from that document.
 */
public final class FalEndpoints {

    /** Classpath location of the registry. */
    public static final String REGISTRY = "openapi/registry.json";

    private static volatile FalEndpoints defaults;

    private static final java.util.regex.Pattern EDGE_SLASHES = java.util.regex.Pattern.compile("^/+|/+$");

    private final List<FalEndpoint> endpoints;

    /**
     * Every endpoint by its exact id and short name: every status read looks its job's model up (the ledger keeps the
     * full id), so the common exact spelling skips the normalisation.
     */
    private final Map<String, FalEndpoint> exact = new HashMap<>();

    private FalEndpoints(List<FalEndpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
        for (FalEndpoint e : this.endpoints) {
            // Only names the normalised lookup would also match (lower case, no edge slashes).
            for (String name : List.of(e.id(), e.shortName())) {
                if (name.equals(normalised(name))) {
                    exact.putIfAbsent(name, e);
                }
            }
        }
    }

    /** The registry shipped with this build (parsed once). */
    public static FalEndpoints load() {
        FalEndpoints d = defaults;
        if (d == null) {
            JsonNode root = Json.readResource(REGISTRY);
            List<FalEndpoint> list = Json.MAPPER.convertValue(
                    root.get("endpoints"),
                    Json.MAPPER.getTypeFactory().constructCollectionType(List.class, FalEndpoint.class));
            d = new FalEndpoints(list);
            defaults = d;
        }
        return d;
    }

    /** Every endpoint, in registry order (cheapest first). */
    public List<FalEndpoint> all() {
        return endpoints;
    }

    /**
     * Finds an endpoint by its full id ({@code fal-ai/kling-video/o3/pro/reference-to-video}) or short name
     * ({@code o3/pro/reference-to-video}); surrounding slashes and case are ignored.
     */
    public Optional<FalEndpoint> find(String idOrShortName) {
        if (idOrShortName == null) {
            return Optional.empty();
        }
        FalEndpoint hit = exact.get(idOrShortName);
        if (hit != null) {
            return Optional.of(hit);
        }
        // Every status read looks its job's model up here: a precompiled pattern, not one compiled per call.
        String key = normalised(idOrShortName);
        return endpoints.stream()
                .filter(e -> e.id().equals(key) || e.shortName().equals(key))
                .findFirst();
    }

    private static String normalised(String name) {
        return EDGE_SLASHES
                .matcher(name.trim().toLowerCase(java.util.Locale.ROOT))
                .replaceAll("");
    }

    /** Finds the endpoint or fails with a message listing the accepted names. */
    public FalEndpoint require(String idOrShortName) {
        return find(idOrShortName)
                .orElseThrow(() ->
                        new IllegalArgumentException("unknown model '" + idOrShortName + "'; use one of " + names()));
    }

    /** Full ids and short names, for error messages and enums. */
    public List<String> names() {
        return endpoints.stream()
                .flatMap(e -> java.util.stream.Stream.of(e.shortName(), e.id()))
                .toList();
    }
}
