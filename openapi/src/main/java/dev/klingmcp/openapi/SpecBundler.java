package dev.klingmcp.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Merges the per-endpoint documents of the registry and the storage document into one OpenAPI document, from which
 * the build generates the Java fal client (one {@code QueueStatus}, one {@code FalFile}, a model per endpoint input and
 * output, {@code QueueApi} and {@code StorageApi}).
 *
 * <p>fal publishes one self-contained document per endpoint, so shared components ({@code File},
 * {@code QueueStatus}…) and the {@code owner/app} paths appear in each. The bundler keeps one copy and fails the build
 * when two copies disagree, so a drift between documents cannot hide. Two paths are "the same" when they agree once
 * their {@code $ref}s are resolved and titles, descriptions and examples are ignored: the {@code owner/app} result path
 * of each endpoint names its own output component, and all three are {@code {video: File}}.
 *
 * <p>Two rewrites make fal's style digestible for OpenAPI Generator's 3.0 parser, and nothing else changes:
 * {@code anyOf [X, {"type":"null"}]} (3.1 style, as fal writes optional fields) becomes {@code X} with
 * {@code nullable: true}, and an {@code anyOf} of plain strings (a URL or an uploaded file) becomes one string.
 * Operations get ids and a tag ({@code Queue} / {@code Storage} / {@code Platform}); fal's documents have neither.
 */
public final class SpecBundler {

    /** Classpath location of the storage document. */
    public static final String STORAGE_DOCUMENT = "openapi/fal-storage.json";

    /** Classpath location of the Platform API document (request history, used to find jobs again after a crash). */
    public static final String PLATFORM_DOCUMENT = "openapi/fal-platform.json";

    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "examples", "example");

    private final ObjectNode bundle = JsonNodeFactory.instance.objectNode();

    /** Which document each path came from first, to resolve its {@code $ref}s when comparing. */
    private final Map<String, OpenApiDocument> pathOrigin = new java.util.HashMap<>();

    private SpecBundler() {}

    /** Writes the bundle of the shipped registry to {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: SpecBundler <output.json>");
        }
        Path out = Path.of(args[0]);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), bundle(FalEndpoints.load()));
    }

    /** The bundle of every endpoint document of the registry plus the storage document. */
    public static ObjectNode bundle(FalEndpoints registry) {
        List<OpenApiDocument> documents = new ArrayList<>();
        registry.all().forEach(e -> documents.add(OpenApiDocument.of(e)));
        documents.add(OpenApiDocument.load(STORAGE_DOCUMENT));
        documents.add(OpenApiDocument.load(PLATFORM_DOCUMENT));
        return bundle(documents);
    }

    /** The bundle of the given documents, in order. */
    public static ObjectNode bundle(List<OpenApiDocument> documents) {
        SpecBundler bundler = new SpecBundler();
        bundler.start();
        documents.forEach(bundler::add);
        return bundler.finish();
    }

    private void start() {
        bundle.put("openapi", "3.0.4");
        ObjectNode info = bundle.putObject("info");
        info.put("title", "fal queue and storage (bundle of kling-mcp's openapi/specs documents)");
        info.put("version", "1.0.0");
        info.put("description", "Generated at build time by SpecBundler. Edit the per-endpoint documents, never this.");
        bundle.putArray("servers").addObject().put("url", "https://queue.fal.run");
        bundle.putArray("security").addObject().putArray("apiKeyAuth");
        bundle.putObject("paths");
        ObjectNode components = bundle.putObject("components");
        components.putObject("schemas");
        components.putObject("securitySchemes");
    }

    private void add(OpenApiDocument document) {
        JsonNode root = document.root();
        mergeMap(
                (ObjectNode) bundle.path("components").path("securitySchemes"),
                root.path("components").path("securitySchemes"),
                document,
                "securitySchemes");
        ObjectNode schemas = (ObjectNode) bundle.path("components").path("schemas");
        Iterator<Map.Entry<String, JsonNode>> it =
                root.path("components").path("schemas").properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = schemas.get(e.getKey());
            if (existing == null) {
                schemas.set(e.getKey(), e.getValue().deepCopy());
            } else if (!existing.equals(e.getValue())) {
                throw new IllegalStateException("component '" + e.getKey() + "' differs between documents; "
                        + document.name() + " disagrees with an earlier one. Shared components must be identical.");
            }
        }
        String tag = document.name().equals(STORAGE_DOCUMENT)
                ? "Storage"
                : document.name().equals(PLATFORM_DOCUMENT) ? "Platform" : "Queue";
        String serverUrl = root.path("servers").path(0).path("url").asText("");
        ObjectNode paths = (ObjectNode) bundle.path("paths");
        Iterator<Map.Entry<String, JsonNode>> pit =
                root.path("paths").properties().iterator();
        while (pit.hasNext()) {
            Map.Entry<String, JsonNode> p = pit.next();
            ObjectNode item = (ObjectNode) p.getValue().deepCopy();
            prepareOperations(p.getKey(), item, tag, serverUrl);
            JsonNode existing = paths.get(p.getKey());
            if (existing == null) {
                paths.set(p.getKey(), item);
                pathOrigin.put(p.getKey(), document);
            } else if (!canonical(existing, pathOrigin.get(p.getKey()), false)
                    .equals(canonical(item, document, false))) {
                throw new IllegalStateException("path '" + p.getKey() + "' differs between documents; "
                        + document.name() + " disagrees with an earlier one.");
            }
        }
    }

    private static void mergeMap(ObjectNode target, JsonNode source, OpenApiDocument document, String what) {
        source.properties().forEach(e -> {
            JsonNode existing = target.get(e.getKey());
            if (existing == null) {
                target.set(e.getKey(), e.getValue().deepCopy());
            } else if (!existing.equals(e.getValue())) {
                throw new IllegalStateException(what + " '" + e.getKey() + "' differs in " + document.name());
            }
        });
    }

    private static void prepareOperations(String path, ObjectNode item, String tag, String serverUrl) {
        item.properties().forEach(e -> {
            if (!e.getValue().isObject()) {
                return;
            }
            ObjectNode operation = (ObjectNode) e.getValue();
            if (!operation.has("operationId")) {
                operation.put("operationId", operationId(path, e.getKey()));
            }
            operation.putArray("tags").add(tag);
            // Storage and the Platform API live on other hosts than the queue: keep each document's server.
            if (!tag.equals("Queue") && !serverUrl.isEmpty() && !operation.has("servers")) {
                operation.putArray("servers").addObject().put("url", serverUrl);
            }
        });
    }

    /** The operationId of an endpoint's queue submit in the bundled document, hence the generated client's method name. */
    public static String submitOperationId(FalEndpoint endpoint) {
        return operationId("/" + endpoint.id(), "post");
    }

    /** {@code /fal-ai/kling-video/o3/pro/reference-to-video} POST becomes {@code submitKlingVideoO3ProReferenceToVideo}. */
    static String operationId(String path, String method) {
        String verb;
        String subject = path;
        if (path.endsWith("/requests/{request_id}/status/stream")) {
            verb = "statusStream";
        } else if (path.endsWith("/requests/{request_id}/status")) {
            verb = "status";
        } else if (path.endsWith("/requests/{request_id}/cancel")) {
            verb = "cancel";
        } else if (path.endsWith("/requests/{request_id}")) {
            verb = "result";
        } else {
            verb = method.toLowerCase(Locale.ROOT).equals("post") ? "submit" : method.toLowerCase(Locale.ROOT);
        }
        int requests = subject.indexOf("/requests/");
        if (requests >= 0) {
            subject = subject.substring(0, requests);
        }
        String[] segments = subject.replaceAll("^/+", "").split("/", 0); // 0: a trailing "/" adds no empty segment
        StringBuilder name = new StringBuilder(verb);
        for (int i = 1; i < segments.length; i++) { // drop the owner: fal's component names do the same
            for (String word : segments[i].split("[-_.]", 0)) {
                if (!word.isEmpty() && !word.startsWith("{")) {
                    name.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
                }
            }
        }
        return name.toString();
    }

    private ObjectNode finish() {
        return (ObjectNode) forGenerator(bundle);
    }

    /** The two generator-friendly rewrites described in the class comment. */
    private static JsonNode forGenerator(JsonNode node) {
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> out.add(forGenerator(n)));
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        node.properties().forEach(e -> out.set(e.getKey(), forGenerator(e.getValue())));
        JsonNode anyOf = out.get("anyOf");
        if (anyOf != null && anyOf.isArray()) {
            List<JsonNode> kept = new ArrayList<>();
            boolean nullable = false;
            for (JsonNode branch : anyOf) {
                if (branch.size() == 1 && "null".equals(branch.path("type").asText())) {
                    nullable = true;
                } else {
                    kept.add(branch);
                }
            }
            boolean allPlainStrings = kept.size() > 1
                    && kept.stream()
                            .allMatch(b -> "string".equals(b.path("type").asText()) && !b.has("enum"));
            if (allPlainStrings) {
                kept = List.of(JsonNodeFactory.instance.objectNode().put("type", "string"));
            }
            if (kept.size() == 1 && (nullable || allPlainStrings)) {
                out.remove("anyOf");
                kept.get(0).properties().forEach(e -> {
                    if (!out.has(e.getKey())) {
                        out.set(e.getKey(), e.getValue());
                    }
                });
                if (nullable) {
                    out.put("nullable", true);
                }
            }
        }
        return out;
    }

    /** The node with {@code $ref}s inlined and annotations dropped: what a client can observe on the wire. */
    private static JsonNode canonical(JsonNode node, OpenApiDocument document, boolean propertyMap) {
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> out.add(canonical(n, document, false)));
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        String component = OpenApiDocument.componentOf(node.path("$ref").asText(null));
        if (component != null) {
            return canonical(document.component(component), document, false);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        node.properties().forEach(e -> {
            // Inside "properties" the keys are field names, not keywords: keep them all.
            if (propertyMap || (!ANNOTATIONS.contains(e.getKey()) && !e.getKey().equals("operationId"))) {
                out.set(e.getKey(), canonical(e.getValue(), document, e.getKey().equals("properties") && !propertyMap));
            }
        });
        return out;
    }
}
