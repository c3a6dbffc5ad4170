package dev.klingmcp.contract.modern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The server's tools, and the check that a client hands its caller the tool list the server sent, schemas and all. */
final class ToolListing {

    static final List<String> TOOLS =
            List.of("describe_models", "generate", "status", "result", "cancel", "list_jobs", "upload");

    private ToolListing() {}

    /**
     * Asserts that {@code clientTools} (each with {@code name}, {@code inputSchema} and {@code outputSchema}, as a
     * client reported them) are the server's tools in its order, each with exactly the schemas of the raw
     * {@code tools/list} answer {@code wireTools}.
     */
    static void assertSameAsWire(JsonNode clientTools, JsonNode wireTools, String client) {
        assertThat(names(wireTools)).as("raw tools/list").containsExactlyElementsOf(TOOLS);
        assertThat(names(clientTools)).as("tools through %s", client).containsExactlyElementsOf(TOOLS);
        for (JsonNode wire : wireTools) {
            // MCP requires an object schema for a tool's input; checked here so every client test holds it too
            assertThat(wire.at("/inputSchema/type").asText())
                    .as("%s input schema type", wire.path("name"))
                    .isEqualTo("object");
            JsonNode seen = clientTools.get(TOOLS.indexOf(wire.path("name").asText()));
            assertThat(seen.path("inputSchema"))
                    .as("%s input schema through %s", wire.path("name"), client)
                    .isEqualTo(wire.path("inputSchema"));
            assertThat(seen.path("outputSchema"))
                    .as("%s output schema through %s", wire.path("name"), client)
                    .isEqualTo(wire.path("outputSchema"));
        }
    }

    /** The {@code name} of each element (a tool listing's names, not the names nested in its schemas). */
    static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path("name").asText()));
        return out;
    }
}
