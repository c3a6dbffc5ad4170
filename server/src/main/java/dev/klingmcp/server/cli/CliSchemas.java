package dev.klingmcp.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.SchemaDeriver;
import dev.klingmcp.server.tools.ToolJson;

/**
 * The published JSON Schemas of the {@code --json} output of the subcommands that call no tool ({@code config},
 * {@code doctor}); the tool-backed subcommands print a tool's structuredContent, described by that tool's
 * outputSchema. Each lives in the jar under {@value #DIR} and is printed by the subcommand's {@code --json-schema}.
 */
final class CliSchemas {

    static final String DIR = "kling-mcp/cli-schemas/";

    private CliSchemas() {}

    /** The standalone schema (with its dialect) of {@code command}'s {@code --json} output. */
    static ObjectNode of(String command) {
        ObjectNode schema = ToolJson.object().put("$schema", SchemaDeriver.DIALECT);
        schema.setAll(ToolJson.resource(DIR + command + ".json"));
        return schema;
    }
}
