package dev.klingmcp.server.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.Map;

/**
 * The SDK's JSON Schema validator, without its start-up check of our own tool schemas.
 *
 * <p>{@code McpServer.build()} checks every tool's input and output schema against the 2020-12 meta-schema, loading and
 * compiling the meta-schema first: about a tenth of the main thread's start-up, spent while the MCP client waits for
 * {@code initialize}, on schemas that are constants of the build (derived from the bundled OpenAPI documents).
 * {@code ToolSchemasConformTest} runs that same check, with the SDK's own validator, on every build instead.
 *
 * <p>Validating instances against a schema (the SDK's tool-call checks) is unchanged: it goes to the SDK's default
 * validator, created on first use.
 */
final class PrecheckedSchemaValidator implements JsonSchemaValidator {

    private volatile JsonSchemaValidator sdkDefault;

    @Override
    public ValidationResponse validate(Map<String, Object> schema, Object structuredContent) {
        return sdkDefault().validate(schema, structuredContent);
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
}
