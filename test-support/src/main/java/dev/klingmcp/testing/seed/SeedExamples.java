package dev.klingmcp.testing.seed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The request examples printed on fal's Kling O3 doc pages, transcribed once into {@code examples/*.json} next to this
 * class (each: {@code model}, {@code source}, {@code input}). The openapi tests check them against the derived schemas;
 * the contract tests drive fal's JS client and the MCP server with them. Whether an example is accepted is for each
 * consumer's validator to say, so nothing here judges them.
 */
public final class SeedExamples {

    private static final String DIRECTORY = "/dev/klingmcp/testing/seed/examples";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<Example> ALL = load();

    /**
     * One example.
     *
     * @param name file name without {@code .json}, e.g. {@code 000-pro-input-example}
     * @param model short model name, e.g. {@code o3/pro/reference-to-video}
     * @param source where on fal's pages it is printed
     * @param input the model input exactly as the page prints it
     */
    public record Example(String name, String model, String source, ObjectNode input) {

        /** A copy of the input, free to change. */
        @Override
        public ObjectNode input() {
            return input.deepCopy();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private SeedExamples() {}

    /** Every example, sorted by name. */
    public static List<Example> all() {
        return ALL;
    }

    private static List<Example> load() {
        URL url = SeedExamples.class.getResource(DIRECTORY);
        if (url == null) {
            throw new IllegalStateException("no " + DIRECTORY + " on the class path");
        }
        try {
            URI uri = url.toURI();
            if (!"jar".equals(uri.getScheme())) {
                return readAll(Path.of(uri));
            }
            // In a reactor build past `package` the resources come from test-support's jar.
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                return readAll(jar.getPath(DIRECTORY));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DIRECTORY, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Example> readAll(Path directory) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no examples in " + DIRECTORY);
        }
        return files.stream().map(SeedExamples::read).toList();
    }

    private static Example read(Path file) {
        try {
            JsonNode example = JSON.readTree(Files.readString(file));
            if (!example.path("input").isObject() || !example.path("model").isTextual()) {
                throw new IllegalStateException(file + ": needs a \"model\" string and an \"input\" object");
            }
            String name = file.getFileName().toString().replace(".json", "");
            return new Example(
                    name, example.get("model").asText(), example.path("source").asText(""), (ObjectNode)
                            example.get("input"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
