package dev.klingmcp.mock.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.http.FalCall;
import dev.klingmcp.mock.http.FalJson;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.openapi.InputValidator;
import dev.klingmcp.openapi.OpenApiDocument;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Compares one queue or sync call with the operation fal's OpenAPI document declares for it: the path and method, the
 * API key header, declared query and header parameters (types, enums, required, undeclared query names), the content
 * type, and the body against the endpoint's input schema in strict mode plus the cross-field rules, with the same
 * validator the mock runs jobs with. Strict, because a client author wants to hear about a field fal would silently
 * drop. The answer the client got is not affected: this is a report, not a gate.
 */
public final class ContractChecker {

    private static final String REQUEST_PATH = "/requests/{request_id}";

    /** Entries kept by each memo below; past that it starts over. */
    private static final int MAX_MEMO = 4096;

    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");

    private final FalEndpoints registry;
    private final Map<String, OpenApiDocument> documents = new ConcurrentHashMap<>();
    private final Map<String, Optional<FalEndpoint>> endpoints = new ConcurrentHashMap<>();

    /** Names of the header parameters an operation declares, by method, kind and endpoint (or app). */
    private final Map<String, List<String>> headerParameters = new ConcurrentHashMap<>();

    /**
     * The findings for requests without a body, by everything the check reads of them: a client polling a status asks
     * the same thing many times a second, and the answer depends only on these.
     */
    private final Map<String, List<ContractViolation>> bodiless = new ConcurrentHashMap<>();

    public ContractChecker(FalEndpoints registry) {
        this.registry = registry;
    }

    /** Whether the call can be checked: it names an endpoint or app of the registry. */
    public boolean covers(FalCall call) {
        return call.kind() == FalCall.Kind.NOT_FOUND || endpointOf(call).isPresent();
    }

    /**
     * Every difference between the request and the documents.
     *
     * @param body the request body as received (null when none was read)
     */
    public List<ContractViolation> check(
            String method, String urlPath, FalCall call, MultiMap headers, MultiMap query, Buffer body) {
        if (body == null && call.kind() != FalCall.Kind.NOT_FOUND) {
            Optional<FalEndpoint> endpoint = endpointOf(call);
            if (endpoint.isPresent()) {
                String key = bodilessKey(method, call, endpoint.get(), headers, query);
                List<ContractViolation> known = bodiless.get(key);
                if (known != null) {
                    return new ArrayList<>(known);
                }
                List<ContractViolation> found = checkOnce(method, urlPath, call, headers, query, null);
                if (bodiless.size() >= MAX_MEMO) {
                    bodiless.clear();
                }
                bodiless.put(key, List.copyOf(found));
                return found;
            }
        }
        return checkOnce(method, urlPath, call, headers, query, body);
    }

    /**
     * Everything {@link #checkOnce} reads of a request without a body: the operation (method, kind, endpoint or app), the
     * API key header's shape (not the key), every query parameter, and the operation's declared header parameters.
     */
    private String bodilessKey(String method, FalCall call, FalEndpoint endpoint, MultiMap headers, MultiMap query) {
        String operation = method
                + '\u0000'
                + call.kind()
                + '\u0000'
                + (call.endpoint() != null ? "E" + endpoint.id() : "A" + call.appId());
        List<String> declared = headerParameters.computeIfAbsent(operation, k -> {
            String template = template(call, endpoint);
            List<String> names = new ArrayList<>();
            JsonNode op = document(endpoint).root().path("paths").path(template).path(method.toLowerCase(Locale.ROOT));
            for (JsonNode parameter : op.path("parameters")) {
                if (parameter.path("in").asText().equals("header")) {
                    names.add(parameter.path("name").asText());
                }
            }
            return List.copyOf(names);
        });
        StringBuilder key = new StringBuilder(128).append(operation).append('\u0000');
        String auth = headers.get("Authorization");
        if (auth == null || auth.isBlank()) {
            key.append('-');
        } else if (auth.regionMatches(true, 0, "Key ", 0, 4)) {
            key.append('K');
        } else {
            key.append("S").append(auth.split(" ", 2)[0]);
        }
        for (Map.Entry<String, String> q : query.entries()) {
            key.append('\u0000').append(q.getKey()).append('=').append(q.getValue());
        }
        for (String name : declared) {
            key.append('\u0001').append(name).append('=').append(headers.get(name));
        }
        return key.toString();
    }

    private List<ContractViolation> checkOnce(
            String method, String urlPath, FalCall call, MultiMap headers, MultiMap query, Buffer body) {
        List<ContractViolation> out = new ArrayList<>();
        if (call.kind() == FalCall.Kind.NOT_FOUND) {
            out.add(new ContractViolation(
                    "path",
                    urlPath,
                    "no operation in fal's documents has this path",
                    "POST /<endpoint id> or /<owner>/<app>[/<path>]/requests/<request_id>[/status[/stream]|/cancel]"
                            + " with an endpoint id of " + endpointIds(),
                    "path_not_found"));
            return out;
        }
        Optional<FalEndpoint> endpoint = endpointOf(call);
        if (endpoint.isEmpty()) {
            return out;
        }
        JsonNode root = document(endpoint.get()).root();
        String template = template(call, endpoint.get());
        JsonNode item = root.path("paths").path(template);
        JsonNode operation = item.path(method.toLowerCase(Locale.ROOT));
        if (!operation.isObject()) {
            List<String> declared = new ArrayList<>();
            item.fieldNames().forEachRemaining(m -> declared.add(m.toUpperCase(Locale.ROOT)));
            out.add(new ContractViolation(
                    "method",
                    template,
                    method + " is not declared for this path",
                    String.join(", ", declared),
                    "method_not_allowed"));
            return out;
        }
        checkAuth(root, operation, headers, out);
        checkParameters(operation, headers, query, out);
        if (operation.has("requestBody")) {
            checkBody(endpoint.get(), operation.get("requestBody"), headers, body, out);
        }
        return out;
    }

    private static void checkAuth(JsonNode root, JsonNode operation, MultiMap headers, List<ContractViolation> out) {
        JsonNode security = operation.has("security") ? operation.get("security") : root.path("security");
        boolean needsKey = false;
        for (JsonNode requirement : security) {
            needsKey |= requirement.has("apiKeyAuth");
        }
        if (!needsKey) {
            return;
        }
        String auth = headers.get("Authorization");
        if (auth == null || auth.isBlank()) {
            out.add(new ContractViolation(
                    "header",
                    "Authorization",
                    "missing (the documents require fal's API key)",
                    "Key <FAL_KEY>",
                    "missing"));
        } else if (!auth.regionMatches(true, 0, "Key ", 0, 4)) {
            out.add(new ContractViolation(
                    "header",
                    "Authorization",
                    "fal expects the scheme 'Key', got '" + auth.split(" ", 2)[0] + "'",
                    "Key <FAL_KEY>",
                    "value_error"));
        }
    }

    private static void checkParameters(
            JsonNode operation, MultiMap headers, MultiMap query, List<ContractViolation> out) {
        Set<String> declaredQuery = new HashSet<>();
        for (JsonNode parameter : operation.path("parameters")) {
            String in = parameter.path("in").asText();
            String name = parameter.path("name").asText();
            if (in.equals("query")) {
                declaredQuery.add(name);
            }
            if (!in.equals("query") && !in.equals("header")) {
                continue;
            }
            String value = in.equals("query") ? query.get(name) : headers.get(name);
            if (value == null) {
                if (parameter.path("required").asBoolean(false)) {
                    out.add(new ContractViolation(in, name, "missing", "", "missing"));
                }
                continue;
            }
            problemWith(value, parameter).ifPresent(p -> out.add(new ContractViolation(in, name, p[0], p[1], p[2])));
        }
        for (String name : query.names()) {
            if (!declaredQuery.contains(name)) {
                out.add(new ContractViolation(
                        "query",
                        name,
                        "not declared for this operation (fal ignores it)",
                        declaredQuery.isEmpty() ? "no query parameters" : String.join(", ", declaredQuery),
                        "extra_forbidden"));
            }
        }
    }

    /** {problem, allowed, type} when the value does not fit the parameter's schema. */
    private static Optional<String[]> problemWith(String value, JsonNode parameter) {
        JsonNode schema = parameter.path("schema");
        String type = schema.path("type").asText("");
        String v = value.trim();
        if (schema.has("enum")) {
            List<String> allowed = new ArrayList<>();
            schema.get("enum").forEach(e -> allowed.add(e.asText()));
            return allowed.contains(v)
                    ? Optional.empty()
                    : Optional.of(new String[] {
                        "must be one of the listed values, got '" + value + "'", String.join(", ", allowed), "enum"
                    });
        }
        switch (type) {
            case "integer":
                return INTEGER.matcher(v).matches()
                        ? Optional.empty()
                        : Optional.of(
                                new String[] {"must be a whole number, got '" + value + "'", "an integer", "int_parsing"
                                });
            case "number":
                // A flag documented as accepting true/false as well as 0/1 (fal's clients send both for `logs`).
                boolean booleanAllowed = (parameter.path("description").asText()
                                + schema.path("description").asText())
                        .contains("`true`/`false`");
                if (NUMBER.matcher(v).matches() || (booleanAllowed && (v.equals("true") || v.equals("false")))) {
                    return Optional.empty();
                }
                return Optional.of(new String[] {
                    "must be a number, got '" + value + "'",
                    booleanAllowed ? "a number, true or false" : "a number",
                    "float_parsing"
                });
            case "boolean":
                return v.equals("true") || v.equals("false")
                        ? Optional.empty()
                        : Optional.of(new String[] {
                            "must be true or false, got '" + value + "'", "true, false", "bool_parsing"
                        });
            default:
                return Optional.empty();
        }
    }

    private static void checkBody(
            FalEndpoint endpoint, JsonNode requestBody, MultiMap headers, Buffer body, List<ContractViolation> out) {
        List<String> types = new ArrayList<>();
        requestBody.path("content").fieldNames().forEachRemaining(types::add);
        boolean empty = body == null || body.length() == 0;
        String contentType = headers.get("Content-Type");
        String mediaType =
                contentType == null ? null : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!empty && !types.isEmpty() && (mediaType == null || !types.contains(mediaType))) {
            out.add(new ContractViolation(
                    "header",
                    "Content-Type",
                    contentType == null ? "missing on a request with a body" : "'" + contentType + "' is not declared",
                    String.join(", ", types),
                    contentType == null ? "missing" : "value_error"));
        }
        if (empty) {
            if (requestBody.path("required").asBoolean(false)) {
                out.add(new ContractViolation(
                        "body", "", "missing: this operation needs the model input", "a JSON object", "missing"));
            }
            return;
        }
        JsonNode input;
        try {
            input = FalJson.MAPPER.readTree(body.getBytes());
        } catch (IOException e) {
            out.add(new ContractViolation("body", "", "not valid JSON", "a JSON object", "json_invalid"));
            return;
        }
        InputValidator.forEndpoint(endpoint, true)
                .validate(input)
                .forEach(v -> out.add(new ContractViolation("body", v.path(), v.problem(), v.allowed(), v.type())));
    }

    private Optional<FalEndpoint> endpointOf(FalCall call) {
        String key = call.endpoint() != null ? "E" + call.endpoint().id() : "A" + call.appId();
        Optional<FalEndpoint> known = endpoints.get(key);
        if (known != null) {
            return known;
        }
        Optional<FalEndpoint> found = call.endpoint() != null
                ? registry.all().stream()
                        .filter(e -> e.id().equals(call.endpoint().id()))
                        .findFirst()
                : registry.all().stream()
                        .filter(e -> e.appId().equals(call.appId()))
                        .findFirst();
        if (endpoints.size() >= MAX_MEMO) {
            endpoints.clear();
        }
        endpoints.put(key, found);
        return found;
    }

    private static String template(FalCall call, FalEndpoint endpoint) {
        String prefix = "/" + (call.endpoint() != null ? endpoint.id() : endpoint.appId());
        return switch (call.kind()) {
            case SUBMIT, SYNC -> "/" + endpoint.id();
            case STATUS -> prefix + REQUEST_PATH + "/status";
            case STREAM -> prefix + REQUEST_PATH + "/status/stream";
            case CANCEL -> prefix + REQUEST_PATH + "/cancel";
            default -> prefix + REQUEST_PATH;
        };
    }

    private OpenApiDocument document(FalEndpoint endpoint) {
        return documents.computeIfAbsent(endpoint.id(), id -> OpenApiDocument.of(endpoint));
    }

    private String endpointIds() {
        return registry.all().stream().map(FalEndpoint::id).collect(Collectors.joining(", "));
    }
}
