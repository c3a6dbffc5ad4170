package dev.klingmcp.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SDK's JSON Schema validator, without its start-up check of our own tool schemas, and with each tool's output
 * schema compiled once.
 *
 * <p>{@code McpServer.build()} checks every tool's input and output schema against the 2020-12 meta-schema, loading and
 * compiling the meta-schema first: about a tenth of the main thread's start-up, spent while the MCP client waits for
 * {@code initialize}, on schemas that are constants of the build (derived from the bundled OpenAPI documents).
 * {@code ToolSchemasConformTest} runs that same check, with the SDK's own validator, on every build instead.
 *
 * <p>Every tool result is still validated against its tool's output schema, with the same 2020-12 validator the SDK
 * uses. The SDK's default looks its compiled schema up by the schema map's deep hash (a walk of the whole schema per
 * call) and renders every valid result to a JSON string it only needs for results without content (ours always carry
 * a text); here the compiled schema is found by the schema map's identity (the tools' schemas are built once), and a
 * valid result costs the validation (and a tree conversion when it was not built as a tree). An invalid result goes
 * to the SDK's default, so the error the client sees is the SDK's own.
 */
final class PrecheckedSchemaValidator implements JsonSchemaValidator {

    /** More schemas than tools: compiled per call by the SDK's default instead of being kept. */
    private static final int MAX_KEPT = 64;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<Identity, Schema> compiled = new ConcurrentHashMap<>();

    private volatile JsonSchemaValidator sdkDefault;

    @Override
    public ValidationResponse validate(Map<String, Object> schema, Object structuredContent) {
        if (schema == null || structuredContent == null || structuredContent instanceof String) {
            return sdkDefault().validate(schema, structuredContent);
        }
        Schema check = compiled.get(new Identity(schema));
        if (check == null) {
            if (compiled.size() >= MAX_KEPT) {
                return sdkDefault().validate(schema, structuredContent);
            }
            check = compiled.computeIfAbsent(new Identity(schema), k -> compile(schema));
        }
        // The tools hand their structured result over as a tree already (ToolResults); anything else is converted.
        JsonNode instance = structuredContent instanceof JsonNode tree ? tree : MAPPER.valueToTree(structuredContent);
        return check.validate(instance).isEmpty()
                ? ValidationResponse.asValid(null)
                : sdkDefault().validate(schema, structuredContent);
    }

    private static Schema compile(Map<String, Object> schema) {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(MAPPER.<JsonNode>valueToTree(schema));
    }

    /** Our tool schemas only; checked at build time (see the class comment). */
    @Override
    public ValidationResponse validateSchema(Map<String, Object> schema) {
        return ValidationResponse.asValid(null);
    }

    private JsonSchemaValidator sdkDefault() {
        JsonSchemaValidator v = sdkDefault;
        if (v == null) {
            synchronized (this) {
                v = sdkDefault;
                if (v == null) {
                    v = McpJsonDefaults.getSchemaValidator();
                    sdkDefault = v;
                }
            }
        }
        return v;
    }

    /** A schema map by identity: the same map object, not an equal one (equality would walk the whole schema). */
    private record Identity(Map<String, Object> schema) {

        @Override
        public boolean equals(Object o) {
            return o instanceof Identity other && other.schema == schema;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(schema);
        }
    }
}
