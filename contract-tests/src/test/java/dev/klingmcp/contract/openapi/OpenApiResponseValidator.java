package dev.klingmcp.contract.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.openapi.OpenApiDocument;
import dev.klingmcp.openapi.SchemaDeriver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a response against the project's OpenAPI documents: finds the operation (method + path template), then the
 * documented response for the status code, then checks the documented headers are present and valid, the media type
 * is documented, and the body validates (networknt, 2020-12) against the response schema derived from the document by
 * {@link SchemaDeriver} -- the same derivation the server and the mock use, so there is one contract.
 *
 * <p>Event streams ({@code text/event-stream}) are documented as a string; their {@code data:} events are checked
 * against the JSON schema of the same path without {@code /stream} (the plain status operation), as the documents
 * describe, and the last event must be COMPLETED.
 */
public final class OpenApiResponseValidator {

    /** The storage surface (upload initiate/multipart) is documented apart from the endpoints. */
    static final String STORAGE_DOCUMENT = "openapi/fal-storage.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final List<OpenApiDocument> documents;
    private final Map<JsonNode, Schema> compiled = new ConcurrentHashMap<>();

    OpenApiResponseValidator(List<OpenApiDocument> documents) {
        this.documents = List.copyOf(documents);
    }

    /** Every endpoint document of the registry, plus the storage document when the classpath has it. */
    public static OpenApiResponseValidator forAllDocuments() {
        List<OpenApiDocument> documents = new ArrayList<>();
        for (FalEndpoint endpoint : FalEndpoints.load().all()) {
            documents.add(OpenApiDocument.of(endpoint));
        }
        if (OpenApiResponseValidator.class.getClassLoader().getResource(STORAGE_DOCUMENT) != null) {
            documents.add(OpenApiDocument.load(STORAGE_DOCUMENT));
        }
        return new OpenApiResponseValidator(documents);
    }

    /** Problems with this response; empty when it matches the documents. */
    public List<String> problems(RecordedExchange exchange) {
        List<Operation> candidates = operationsFor(exchange.method(), exchange.path());
        if (candidates.isEmpty()) {
            return List.of("no documented operation for " + exchange.method() + " " + exchange.path());
        }
        List<String> first = null;
        for (Operation operation : candidates) {
            List<String> problems = check(operation, exchange);
            if (problems.isEmpty()) {
                return List.of();
            }
            if (first == null) {
                first = problems;
            }
        }
        return first;
    }

    /** Whether the exchange hit a route of an endpoint document (queue, result, cancel, stream), not storage. */
    public boolean isEndpointRoute(RecordedExchange exchange) {
        List<Operation> operations = operationsFor(exchange.method(), exchange.path());
        return !operations.isEmpty()
                && operations.stream().noneMatch(o -> o.document().name().equals(STORAGE_DOCUMENT));
    }

    /** Matching operations, most specific (most literal segments) first; several documents may share a path. */
    List<Operation> operationsFor(String method, String path) {
        String[] segments = trimSlashes(path).split("/");
        List<Operation> matches = new ArrayList<>();
        for (OpenApiDocument document : documents) {
            for (Map.Entry<String, JsonNode> entry :
                    document.root().path("paths").properties()) {
                JsonNode operation = entry.getValue().get(method.toLowerCase(Locale.ROOT));
                int literals = literalMatches(trimSlashes(entry.getKey()).split("/"), segments);
                if (operation != null && literals >= 0) {
                    matches.add(new Operation(document, entry.getKey(), operation, literals));
                }
            }
        }
        matches.sort(Comparator.comparingInt(Operation::literals).reversed());
        if (matches.isEmpty()) {
            return matches;
        }
        int best = matches.get(0).literals();
        return matches.stream().filter(m -> m.literals() == best).toList();
    }

    private List<String> check(Operation operation, RecordedExchange exchange) {
        String where = exchange.method() + " " + operation.template() + " ("
                + operation.document().name() + ")";
        JsonNode responses = operation.node().path("responses");
        JsonNode response = responses.get(String.valueOf(exchange.status()));
        if (response == null) {
            response = responses.get(exchange.status() / 100 + "XX");
        }
        if (response == null) {
            response = responses.get("default");
        }
        if (response == null) {
            List<String> documented = new ArrayList<>();
            responses.fieldNames().forEachRemaining(documented::add);
            return List.of(where + ": status " + exchange.status() + " is not documented (documented: " + documented
                    + ") body: " + exchange.bodyText());
        }
        List<String> problems = new ArrayList<>();
        checkHeaders(operation.document(), response, exchange, where, problems);
        checkContent(operation, response, exchange, where, problems);
        return problems;
    }

    private void checkHeaders(
            OpenApiDocument document,
            JsonNode response,
            RecordedExchange exchange,
            String where,
            List<String> problems) {
        for (Map.Entry<String, JsonNode> header : response.path("headers").properties()) {
            String value = exchange.headers().get(header.getKey().toLowerCase(Locale.ROOT));
            // Documented response headers are the ones fal's clients read (x-fal-request-id): the mock must send them.
            if (value == null) {
                problems.add(
                        where + " " + exchange.status() + ": documented header " + header.getKey() + " is missing");
                continue;
            }
            JsonNode schema = header.getValue().path("schema");
            if (schema.isObject()) {
                JsonNode typed = headerValue(value, schema.path("type").asText("string"));
                validate(document, schema, typed)
                        .forEach(problem -> problems.add(
                                where + " " + exchange.status() + ": header " + header.getKey() + " " + problem));
            }
        }
    }

    private void checkContent(
            Operation operation, JsonNode response, RecordedExchange exchange, String where, List<String> problems) {
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            return;
        }
        String mediaType = exchange.mediaType();
        JsonNode media = content.get(mediaType);
        if (media == null) { // OpenAPI media type ranges: "image/*", then "*/*"
            media = content.get(mediaType.replaceAll("/.*", "/*"));
        }
        if (media == null) {
            media = content.get("*/*");
        }
        if (media == null) {
            List<String> documented = new ArrayList<>();
            content.fieldNames().forEachRemaining(documented::add);
            problems.add(where + " " + exchange.status() + ": content type '" + mediaType + "' not documented "
                    + documented);
            return;
        }
        if (mediaType.equals("text/event-stream")) {
            checkEventStream(operation, exchange, where, problems);
        } else if (isJson(mediaType)) {
            Optional<JsonNode> body = parse(exchange.bodyText());
            if (body.isEmpty()) {
                problems.add(where + " " + exchange.status() + ": body is not JSON: " + exchange.bodyText());
            } else if (media.path("schema").isObject()) {
                validate(operation.document(), media.path("schema"), body.get())
                        .forEach(problem -> problems.add(
                                where + " " + exchange.status() + ": " + problem + " in " + exchange.bodyText()));
            }
        }
    }

    private void checkEventStream(Operation operation, RecordedExchange exchange, String where, List<String> problems) {
        String statusTemplate = operation.template().replaceAll("/stream/?$", "");
        JsonNode statusSchema = operation
                .document()
                .root()
                .path("paths")
                .path(statusTemplate)
                .path("get")
                .path("responses")
                .path("200")
                .path("content")
                .path("application/json")
                .path("schema");
        List<JsonNode> events = new ArrayList<>();
        for (String block : exchange.bodyText().split("\n\n", 0)) {
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n", 0)) {
                if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
            if (data.length() == 0) {
                continue; // a ": ping" comment
            }
            Optional<JsonNode> event = parse(data.toString());
            if (event.isEmpty()) {
                problems.add(where + ": event data is not JSON: " + data);
                continue;
            }
            events.add(event.get());
            if (statusSchema.isObject()) {
                validate(operation.document(), statusSchema, event.get())
                        .forEach(problem -> problems.add(where + ": event " + problem + " in " + event.get()));
            }
        }
        if (events.isEmpty()
                || !"COMPLETED"
                        .equals(events.get(events.size() - 1).path("status").asText())) {
            problems.add(where + ": the stream did not end with a COMPLETED event: " + exchange.bodyText());
        }
    }

    private List<String> validate(OpenApiDocument document, JsonNode schema, JsonNode instance) {
        Schema compiledSchema = compiled.computeIfAbsent(
                schemaKey(document, schema),
                key -> SCHEMAS.getSchema(SchemaDeriver.schemaForNode(document, schema, false)));
        return compiledSchema.validate(instance).stream()
                .map(error -> (error.getInstanceLocation() + " " + error.getMessage()).strip())
                .toList();
    }

    private static JsonNode schemaKey(OpenApiDocument document, JsonNode schema) {
        // A schema node is only meaningful with its document ($refs); key on both.
        return JsonNodeFactory.instance
                .objectNode()
                .put("document", document.name())
                .set("schema", schema);
    }

    private static JsonNode headerValue(String value, String type) {
        try {
            return switch (type) {
                case "integer" -> JsonNodeFactory.instance.numberNode(Long.parseLong(value));
                case "number" -> JsonNodeFactory.instance.numberNode(Double.parseDouble(value));
                case "boolean" -> JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(value));
                default -> JsonNodeFactory.instance.textNode(value);
            };
        } catch (NumberFormatException e) {
            return JsonNodeFactory.instance.textNode(value);
        }
    }

    private static boolean isJson(String mediaType) {
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }

    private static Optional<JsonNode> parse(String text) {
        try {
            return text.isBlank() ? Optional.empty() : Optional.of(JSON.readTree(text));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** -1 when the template does not match; else how many segments matched literally. */
    private static int literalMatches(String[] template, String[] path) {
        if (template.length != path.length) {
            return -1;
        }
        int literals = 0;
        for (int i = 0; i < template.length; i++) {
            boolean parameter = template[i].startsWith("{") && template[i].endsWith("}");
            if (parameter) {
                if (path[i].isEmpty()) {
                    return -1;
                }
            } else if (template[i].equals(path[i])) {
                literals++;
            } else {
                return -1;
            }
        }
        return literals;
    }

    private static String trimSlashes(String path) {
        return path.replaceAll("^/+", "").replaceAll("/+$", "");
    }

    record Operation(OpenApiDocument document, String template, JsonNode node, int literals) {}

    /** Every problem of every exchange, as lines (used by the suite's closing assertion). */
    public List<String> problems(List<RecordedExchange> exchanges) {
        List<String> all = new ArrayList<>();
        for (RecordedExchange exchange : exchanges) {
            all.addAll(problems(exchange));
        }
        return List.copyOf(new LinkedHashSet<>(all));
    }
}
