package dev.klingmcp.contract.modern;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A mock-fal and the server jar serving Streamable HTTP on it, for the whole of one test class: registered as a static
 * {@code @RegisterExtension} field, it starts both before the class's first test (in a folder of its own) and stops
 * them after its last, so the classes that only need "a running HTTP server" do not each write that lifecycle.
 */
final class ServedOverHttp implements BeforeAllCallback, AfterAllCallback {

    private final String name;

    private final double speed;

    private final Map<String, String> env = new LinkedHashMap<>();

    private Path root;

    private ModernFixture fixture;

    private ServerProcess http;

    /**
     * @param name names the server's stderr log in the test folder
     * @param speed how many times faster than fal's typical timing the mock runs jobs
     */
    ServedOverHttp(String name, double speed) {
        this.name = name;
        this.speed = speed;
    }

    /** A setting (e.g. {@code KLING_MCP_BUDGET_CONFIRM_ABOVE_USD}) the server starts with. */
    ServedOverHttp env(String variable, String value) {
        env.put(variable, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        root = Files.createTempDirectory("kling-contract-" + name + "-");
        fixture = new ModernFixture(root, speed);
        env.forEach(fixture::env);
        http = ServerProcess.http(fixture, name);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (http != null) {
                http.close();
            }
            if (fixture != null) {
                fixture.close();
            }
        } finally {
            if (root != null) {
                deleteTree(root);
            }
        }
    }

    ModernFixture fixture() {
        return fixture;
    }

    ServerProcess http() {
        return http;
    }

    /** The MCP endpoint, {@code http://127.0.0.1:<port>/mcp}. */
    String url() {
        return http.url();
    }

    /** {@code tools/list} as the server sends it (raw JSON-RPC), to compare with what a client hands its caller. */
    JsonNode wireTools() {
        return Wire.post(url(), Wire.request("tools/list", null, null)).result().path("tools");
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
