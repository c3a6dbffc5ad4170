package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.contract.openapi.ValidatedMockFal;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.testing.video.Mp4Probe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent-framework suites share: a fast mock-fal (×1000, so a whole job takes well under a second) behind the
 * proxy that checks every answer against the {@code openapi/} documents, and the server as a framework user starts it:
 * a stdio command line, or a Streamable HTTP process and its URL. The framework under test is the only MCP client.
 *
 * <p>The server keeps its state under {@code <temp>/server}; what the framework side writes (configs, downloads it
 * reports) lives elsewhere, so the leak scan of the server's files sees only the server's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class AgentFrameworkSuite {

    /** The three models, in the registry's order. */
    static final List<String> MODELS =
            FalEndpoints.load().all().stream().map(FalEndpoint::shortName).toList();

    Path root;

    ValidatedMockFal fal;

    ServerSetup setup;

    private HttpServerProcess http;

    @BeforeAll
    void startMock(@TempDir Path tempDir) throws IOException {
        ServerCommand.assumeServerBuilt();
        root = tempDir;
        fal = ValidatedMockFal.with(
                        options -> options.setSpeed(ValidatedMockFal.FAST_SPEED).addApiKey(SecretScan.FAL_KEY))
                .start();
        setup = ServerSetup.under(Files.createDirectories(root.resolve("server")), fal.baseUrl(), SecretScan.FAL_KEY);
    }

    @AfterAll
    void stopServerAndMock() {
        try {
            closeClient();
        } finally {
            try {
                if (http != null) {
                    http.close();
                }
            } finally {
                if (fal != null) {
                    fal.verifyAndClose(getClass().getSimpleName());
                }
            }
        }
    }

    /** Closes the framework's client (and with it a stdio server); called before the mock stops. */
    abstract void closeClient();

    /**
     * The stdio command line an MCP host configuration holds ({@code java -jar kling-mcp.jar serve}), wrapped in
     * {@code env -i -C <workdir> KEY=VALUE…} for frameworks that start it with their own process environment added to
     * (not replacing) the test JVM's: a real {@code FAL_KEY} or {@code KLING_MCP_*} of the machine must never reach a
     * test server, and the working directory must be the suite's own.
     */
    List<String> isolatedStdioCommand() {
        List<String> command =
                new ArrayList<>(List.of("env", "-i", "-C", setup.workDir().toString()));
        stdioEnvironment().forEach((k, v) -> command.add(k + "=" + v));
        command.addAll(ServerCommand.of("serve").commandLine());
        return command;
    }

    /** The whole environment the stdio server gets: the suite's settings plus a PATH. */
    Map<String, String> stdioEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.putAll(setup.environment());
        return env;
    }

    /** Starts (once per suite) {@code serve --http --port 0} with the suite's settings; its {@code /mcp} URL. */
    String httpUrl() {
        if (http == null) {
            http = HttpServerProcess.start(setup, root.resolve("server").resolve("http-server-stderr.log"));
        }
        return http.url();
    }

    /**
     * {@code generate} arguments for a dry run of each model, as an LLM would fill them in from the published schema:
     * the first of fal's doc examples per model that the strict schema accepts, fields left out rather than sent as
     * {@code null} (a portable schema says "optional" by leaving a field out of {@code required}, not with a null
     * type), plus {@code dry_run: true}.
     */
    static Map<String, ObjectNode> dryRunArguments() {
        Map<String, ObjectNode> byModel = new LinkedHashMap<>();
        for (String model : MODELS) {
            SeedInputs seed = SeedInputs.ruleValid().stream()
                    .filter(s -> s.model().equals(model))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no rule-valid seed example for " + model));
            ObjectNode arguments = withoutNulls(seed.generateArguments());
            arguments.put("dry_run", true);
            byModel.put(model, arguments);
        }
        return byModel;
    }

    /** The cheapest model's example (standard image-to-video, 5 s), for the one real job per framework. */
    static ObjectNode fullJobArguments() {
        ObjectNode arguments = dryRunArguments().get(MODELS.get(0)).deepCopy();
        arguments.remove("dry_run");
        return arguments;
    }

    private static ObjectNode withoutNulls(ObjectNode object) {
        List<String> nulls = object.properties().stream()
                .filter(e -> e.getValue().isNull())
                .map(Map.Entry::getKey)
                .toList();
        object.remove(nulls);
        return object;
    }

    /** The video length {@code generate} arguments ask for: {@code duration}, else the models' default of 5 s. */
    static int requestedSeconds(JsonNode arguments) {
        return arguments.hasNonNull("duration")
                ? Integer.parseInt(arguments.get("duration").asText())
                : 5;
    }

    /** Checks a saved video the hard way (container parsed, every frame decoded) and returns it. */
    static Mp4Probe assertRealMp4(Path file, int seconds) {
        assertThat(file).isRegularFile();
        try {
            Mp4Probe video = Mp4Probe.of(file);
            assertThat(video.decodedFrames()).as("decoded frames of %s", file).isPositive();
            assertThat(video.decodedFrames())
                    .as("every declared frame of %s decodes", file)
                    .isEqualTo(video.declaredFrames());
            assertThat(video.durationSeconds())
                    .as("duration of %s", file)
                    .isCloseTo(seconds, org.assertj.core.api.Assertions.within(0.5));
            return video;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (org.jcodec.api.JCodecException e) {
            throw new AssertionError(file + " is not a decodable MP4", e);
        }
    }

    /** Files the server wrote (ledger, videos, captured stderr) that hold the fal key's secret: none. */
    void assertNoServerFileHoldsTheKey() {
        assertThat(SecretScan.fileHits(setup.root()))
                .as("server files holding the fal key")
                .isEmpty();
    }
}
