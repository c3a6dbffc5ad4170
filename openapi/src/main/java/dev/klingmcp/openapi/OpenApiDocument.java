package dev.klingmcp.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A parsed OpenAPI document (read-only view). Documents are the contract: the generated fal client, the MCP tool
 * schemas and the mock's validation are all derived from them.
 */
public final class OpenApiDocument {

    private static final String SCHEMA_REF_PREFIX = "#/components/schemas/";

    private final String name;

    private final JsonNode root;

    private OpenApiDocument(String name, JsonNode root) {
        this.name = Objects.requireNonNull(name, "name == null");
        this.root = Objects.requireNonNull(root, "root == null");
    }

    /** Loads a document from the classpath, e.g. {@code openapi/fal-ai.kling-video.o3.pro.reference-to-video.json}. */
    public static OpenApiDocument load(String classpathResource) {
        return new OpenApiDocument(classpathResource, Json.readResource(classpathResource));
    }

    /** Wraps an already parsed document (tests use this to prove that schemas follow the document). */
    public static OpenApiDocument of(String name, JsonNode root) {
        return new OpenApiDocument(name, root.deepCopy());
    }

    /** The document of an endpoint in the registry. */
    public static OpenApiDocument of(FalEndpoint endpoint) {
        return load(endpoint.document());
    }

    public String name() {
        return name;
    }

    /** The whole document. Treat it as read-only: it may be shared. */
    public JsonNode root() {
        return root;
    }

    /** {@code components.schemas.<name>}, or an exception naming what exists. */
    public ObjectNode component(String component) {
        JsonNode node = root.path("components").path("schemas").path(component);
        if (!node.isObject()) {
            throw new IllegalArgumentException(
                    "no component '" + component + "' in " + name + "; has " + schemaNames());
        }
        return (ObjectNode) node;
    }

    /** Whether {@code components.schemas} holds this name. */
    public boolean hasComponent(String component) {
        return root.path("components").path("schemas").path(component).isObject();
    }

    /** The component a local {@code $ref} such as {@code #/components/schemas/File} points at, or null otherwise. */
    public static String componentOf(String ref) {
        return ref != null && ref.startsWith(SCHEMA_REF_PREFIX) ? ref.substring(SCHEMA_REF_PREFIX.length()) : null;
    }

    private java.util.List<String> schemaNames() {
        java.util.List<String> names = new java.util.ArrayList<>();
        root.path("components").path("schemas").fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Override
    public String toString() {
        return "OpenApiDocument[" + name + "]";
    }
}
