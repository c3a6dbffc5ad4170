package dev.klingmcp.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.config.ToolSchemaProfile;
import dev.klingmcp.server.testing.FakeJobService;
import dev.klingmcp.server.testing.McpSession;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The precheck agrees with the SDK's own validator (networknt, 2020-12) on every tool's output schema as served, for
 * generated valid results and for results broken in one place (a wrong type, a missing required field, a value outside
 * an enum or a range), and an invalid status result is still refused through {@link PrecheckedSchemaValidator}.
 */
@Timeout(120)
class ResultPrecheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(ToolSchemaProfile.class)
    void thePrecheckAgreesWithTheFullValidatorOnEveryOutputSchema(ToolSchemaProfile profile) {
        JsonSchemaValidator full = McpJsonDefaults.getSchemaValidator();
        Random random = new Random(42);
        int valid = 0;
        int invalid = 0;
        try (McpSession mcp = new McpSession(new FakeJobService(tmp), s -> s, profile)) {
            for (JsonNode tool : mcp.request("tools/list", null).at("/result/tools")) {
                Map<String, Object> schema = JSON.convertValue(tool.get("outputSchema"), MAP);
                ResultPrecheck precheck = ResultPrecheck.compile(schema);
                // Every schema of the default (portable) profile gets the precheck; the full profile's schemas use
                // keywords beyond it (format, if/then) and are left to the full validator, except where they do not.
                if (profile == ToolSchemaProfile.PORTABLE) {
                    assertThat(precheck)
                            .as(tool.get("name") + ": plain keywords only")
                            .isNotNull();
                } else if (precheck == null) {
                    continue;
                }
                for (int i = 0; i < 150; i++) {
                    JsonNode instance = generate(tool.get("outputSchema"), tool.get("outputSchema"), random, 0);
                    List<JsonNode> variants = new ArrayList<>(List.of(instance));
                    for (int m = 0; m < 4; m++) {
                        variants.add(mutate(instance.deepCopy(), random));
                    }
                    for (JsonNode x : variants) {
                        boolean verdict = full.validate(schema, x).valid();
                        assertThat(precheck.passes(x))
                                .as("%s: %s (full validator: %s)", tool.get("name"), x, verdict)
                                .isEqualTo(verdict);
                        if (verdict) {
                            valid++;
                        } else {
                            invalid++;
                        }
                    }
                }
            }
        }
        if (profile == ToolSchemaProfile.PORTABLE) {
            assertThat(valid).isGreaterThan(1000);
            assertThat(invalid).isGreaterThan(1000);
        }
    }

    @Test
    void anInvalidStatusResultIsStillRefused() {
        try (McpSession mcp = new McpSession(new FakeJobService(tmp), s -> s, ToolSchemaProfile.PORTABLE)) {
            JsonNode status = null;
            for (JsonNode tool : mcp.request("tools/list", null).at("/result/tools")) {
                if ("status".equals(tool.path("name").asText())) {
                    status = tool.get("outputSchema");
                }
            }
            Map<String, Object> schema = JSON.convertValue(status, MAP);
            ObjectNode result = (ObjectNode) generate(status, status, new Random(7), 0);
            PrecheckedSchemaValidator validator = new PrecheckedSchemaValidator();
            assertThat(validator.validate(schema, result).valid()).isTrue();
            ((ObjectNode) result.get("job")).put("status", "EXPLODED");
            JsonSchemaValidator.ValidationResponse refused = validator.validate(schema, result);
            assertThat(refused.valid()).isFalse();
            assertThat(refused.errorMessage()).contains("/job/status", "enumeration");
            ((ObjectNode) result.get("job")).put("status", "RUNNING").remove("job_id");
            assertThat(validator.validate(schema, result).valid()).isFalse();
        }
    }

    @Test
    void schemasBeyondThePlainKeywordsGetNoPrecheck() {
        assertThat(ResultPrecheck.compile(Map.of("type", "string", "pattern", "^a")))
                .isNull();
        assertThat(ResultPrecheck.compile(Map.of("type", "object", "properties", Map.of("a", true))))
                .isNull();
        assertThat(ResultPrecheck.compile(Map.of("$schema", "http://json-schema.org/draft-07/schema#")))
                .isNull();
        assertThat(ResultPrecheck.compile(Map.of("type", "decimal"))).isNull();
        // 1.0 is an integer to the full validator; the precheck leaves it to that validator rather than decide.
        ResultPrecheck integer = ResultPrecheck.compile(Map.of("type", "integer"));
        assertThat(integer.passes(NODES.numberNode(1))).isTrue();
        assertThat(integer.passes(NODES.numberNode(1.0))).isFalse();
    }

    /** A valid instance of {@code schema} (our output schemas' keywords only). */
    private static JsonNode generate(JsonNode schema, JsonNode root, Random random, int depth) {
        if (schema.has("$ref")) {
            ObjectNode merged = ((ObjectNode) schema.deepCopy());
            merged.remove("$ref");
            String name = schema.get("$ref").asText().substring("#/$defs/".length());
            root.path("$defs").path(name).fields().forEachRemaining(f -> merged.set(f.getKey(), f.getValue()));
            return generate(merged, root, random, depth);
        }
        if (schema.has("enum")) {
            return schema.get("enum").get(random.nextInt(schema.get("enum").size()));
        }
        if (schema.has("anyOf")) {
            // Our output schemas' anyOf: which fields are required (a result or an error), beside the properties.
            ObjectNode merged = ((ObjectNode) schema.deepCopy());
            merged.remove("anyOf");
            JsonNode branch =
                    schema.get("anyOf").get(random.nextInt(schema.get("anyOf").size()));
            branch.fields().forEachRemaining(f -> {
                if (f.getKey().equals("required") && merged.has("required")) {
                    ((ArrayNode) merged.get("required")).addAll((ArrayNode) f.getValue());
                } else {
                    merged.set(f.getKey(), f.getValue());
                }
            });
            return generate(merged, root, random, depth);
        }
        JsonNode type = schema.get("type");
        String t = type == null
                ? "string"
                : type.isArray() ? type.get(random.nextInt(type.size())).asText() : type.asText();
        double min = schema.path("minimum").asDouble(-1000);
        double max = schema.path("maximum").asDouble(1000);
        switch (t) {
            case "object" -> {
                ObjectNode o = NODES.objectNode();
                JsonNode required = schema.path("required");
                schema.path("properties").fields().forEachRemaining(p -> {
                    boolean isRequired = false;
                    for (JsonNode r : required) {
                        isRequired |= r.asText().equals(p.getKey());
                    }
                    if (isRequired || (depth < 4 && random.nextBoolean())) {
                        o.set(p.getKey(), generate(p.getValue(), root, random, depth + 1));
                    }
                });
                JsonNode additional = schema.get("additionalProperties");
                if (random.nextInt(5) == 0 && additional == null) {
                    o.put("extra_" + random.nextInt(100), "allowed: no additionalProperties");
                } else if (random.nextInt(2) == 0 && additional != null && additional.isObject()) {
                    o.set("extra_" + random.nextInt(100), generate(additional, root, random, depth + 1));
                }
                return o;
            }
            case "array" -> {
                ArrayNode a = NODES.arrayNode();
                int n = depth < 4 ? random.nextInt(4) : 0;
                for (int i = 0; i < n; i++) {
                    a.add(
                            schema.has("items")
                                    ? generate(schema.get("items"), root, random, depth + 1)
                                    : NODES.nullNode());
                }
                return a;
            }
            case "integer" -> {
                return NODES.numberNode((long) (min + random.nextInt((int) (max - min) + 1)));
            }
            case "number" -> {
                return NODES.numberNode(min + (max - min) * random.nextDouble());
            }
            case "boolean" -> {
                return NODES.booleanNode(random.nextBoolean());
            }
            case "null" -> {
                return NODES.nullNode();
            }
            default -> {
                return NODES.textNode("s" + random.nextInt(1000));
            }
        }
    }

    /** {@code instance} with one node replaced or one field removed, somewhere in the tree. */
    private static JsonNode mutate(JsonNode instance, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(instance, containers);
        JsonNode target = containers.get(random.nextInt(containers.size()));
        JsonNode[] replacements = {
            NODES.numberNode(7),
            NODES.numberNode(-3),
            NODES.numberNode(1.5),
            NODES.numberNode(5000),
            NODES.textNode("x"),
            NODES.booleanNode(true),
            NODES.nullNode(),
            NODES.objectNode(),
            NODES.arrayNode()
        };
        JsonNode replacement = replacements[random.nextInt(replacements.length)];
        if (target instanceof ObjectNode o && o.size() > 0) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            String name = names.get(random.nextInt(names.size()));
            if (random.nextInt(3) == 0) {
                o.remove(name);
            } else {
                o.set(name, replacement);
            }
        } else if (target instanceof ArrayNode a && a.size() > 0) {
            a.set(random.nextInt(a.size()), replacement);
        } else {
            return replacement;
        }
        return instance;
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            node.elements().forEachRemaining(c -> collect(c, containers));
        }
    }
}
