package dev.klingmcp.contract.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.openapi.InputValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The request examples of fal's doc pages, as the foundation transcribed them
 * ({@code openapi/src/test/resources/seed-examples}), judged by the same strict validator the server uses: the
 * rule-valid ones drive the happy paths, the others must be refused.
 *
 * @param name  file name without {@code .json}
 * @param model short model name, e.g. {@code o3/pro/reference-to-video}
 * @param input the model input exactly as the page prints it
 * @param valid true when the schema and the cross-field rules accept it
 */
record SeedInputs(String name, String model, ObjectNode input, boolean valid) {

    static Path directory() {
        return Path.of(System.getProperty("contract.seedExamplesDir", "../openapi/src/test/resources/seed-examples"))
                .toAbsolutePath()
                .normalize();
    }

    static List<SeedInputs> all() {
        try (Stream<Path> files = Files.list(directory())) {
            List<SeedInputs> all = files.filter(f -> f.toString().endsWith(".json"))
                    .sorted()
                    .map(SeedInputs::read)
                    .toList();
            if (all.isEmpty()) {
                throw new AssertionError("no seed examples in " + directory());
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory(), e);
        }
    }

    static List<SeedInputs> ruleValid() {
        return all().stream().filter(SeedInputs::valid).toList();
    }

    static List<SeedInputs> ruleBreaking() {
        return all().stream().filter(s -> !s.valid()).toList();
    }

    private static SeedInputs read(Path file) {
        try {
            JsonNode example = ToolCall.JSON.readTree(file.toFile());
            String model = example.path("model").asText();
            ObjectNode input = (ObjectNode) example.path("input");
            boolean valid = InputValidator.forEndpoint(FalEndpoints.load().require(model), true)
                    .validate(input)
                    .isEmpty();
            return new SeedInputs(file.getFileName().toString().replace(".json", ""), model, input, valid);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The duration the input asks for: {@code duration}, else the schemas' default of 5 seconds. */
    int requestedSeconds() {
        return input.hasNonNull("duration")
                ? Integer.parseInt(input.get("duration").asText())
                : 5;
    }

    /** Generate arguments: the model plus the input's fields at top level, as the tool takes them. */
    ObjectNode generateArguments() {
        ObjectNode args = ToolCall.JSON.createObjectNode().put("model", model);
        args.setAll(input.deepCopy());
        return args;
    }

    @Override
    public String toString() {
        return name;
    }
}
