package dev.klingmcp.contract.fal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.openapi.InputValidator;
import dev.klingmcp.testing.seed.SeedExamples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One request example from fal's doc pages, as transcribed once for the whole project ({@link SeedExamples}), with the verdict of the same input validator the mock runs at
 * execution time (non-strict): whether fal's documented rules accept it.
 */
record SeedExample(String name, FalEndpoint endpoint, JsonNode input, boolean accepted) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FalEndpoints ENDPOINTS = FalEndpoints.load();

    static List<SeedExample> all() {
        List<SeedExample> all =
                SeedExamples.all().stream().map(SeedExample::judge).toList();
        if (all.stream().noneMatch(SeedExample::accepted) || all.stream().allMatch(SeedExample::accepted)) {
            throw new AssertionError("expected both accepted and rejected seed examples");
        }
        return all;
    }

    static Stream<SeedExample> acceptedOnes() {
        return all().stream().filter(SeedExample::accepted);
    }

    static Stream<SeedExample> rejectedOnes() {
        return all().stream().filter(example -> !example.accepted());
    }

    /** The first accepted example of each endpoint that has one, in registry order. */
    static Stream<SeedExample> onePerEndpoint() {
        List<SeedExample> accepted = acceptedOnes().toList();
        return ENDPOINTS.all().stream().flatMap(endpoint -> accepted.stream()
                .filter(example -> example.endpoint().equals(endpoint))
                .limit(1));
    }

    private static SeedExample judge(SeedExamples.Example example) {
        FalEndpoint endpoint = ENDPOINTS.require(example.model());
        JsonNode input = example.input();
        boolean accepted =
                InputValidator.forEndpoint(endpoint, false).validate(input).isEmpty();
        return new SeedExample(example.name(), endpoint, input, accepted);
    }

    /** Writes the input to a file in {@code directory} for a script's {@code --input=}. */
    Path writeInput(Path directory) {
        try {
            return Files.writeString(directory.resolve(name + ".input.json"), JSON.writeValueAsString(input));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The duration the request asks for ({@code "5"} by default, as every schema says). */
    int requestedSeconds() {
        return Integer.parseInt(input.path("duration").asText("5"));
    }

    /** The aspect ratio the request asks for; standard image-to-video has none and renders 16:9. */
    String requestedAspectRatio() {
        return input.path("aspect_ratio").asText("16:9");
    }

    @Override
    public String toString() {
        return name;
    }
}
