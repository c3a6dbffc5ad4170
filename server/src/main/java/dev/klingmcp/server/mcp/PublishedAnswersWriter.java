package dev.klingmcp.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.budget.CostGuard;
import dev.klingmcp.server.config.ToolSchemaProfile;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.jobs.impl.DeferredJobService;
import dev.klingmcp.server.jobs.impl.FalKeyRequiredJobService;
import dev.klingmcp.server.jobs.impl.PriceTable;
import dev.klingmcp.server.transport.PublishedAnswers;
import dev.klingmcp.server.transport.StdioTransportProvider;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Run by the build (process-classes): asks this very server, assembled as {@code serve} assembles it (default settings,
 * no price file) for each schema profile, its {@code initialize} and {@code tools/list} answers over the stdio
 * transport, and writes them as {@link PublishedAnswers} resources. A test asks a live server again and compares.
 */
public final class PublishedAnswersWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private PublishedAnswersWriter() {}

    /** {@code args[0]}: the class output folder. */
    public static void main(String[] args) throws IOException {
        // Run inside the build's JVM: the SDK's INFO narration of the session is not build output.
        String level = System.getProperty(LOG_LEVEL);
        System.setProperty(LOG_LEVEL, "warn");
        try {
            write(Path.of(args[0]).resolve(PublishedAnswers.FOLDER));
        } finally {
            if (level == null) {
                System.clearProperty(LOG_LEVEL);
            } else {
                System.setProperty(LOG_LEVEL, level);
            }
        }
    }

    private static void write(Path folder) throws IOException {
        Files.createDirectories(folder);
        for (ToolSchemaProfile profile : ToolSchemaProfile.values()) {
            Rendered r = render(profile);
            Files.writeString(
                    folder.resolve(PublishedAnswers.toolsListName(profile.key())),
                    JSON.writeValueAsString(r.toolsList()));
            if (profile == ToolSchemaProfile.PORTABLE) {
                Files.writeString(folder.resolve(PublishedAnswers.INITIALIZE), JSON.writeValueAsString(r.initialize()));
                Files.writeString(
                        folder.resolve(PublishedAnswers.PROTOCOL_VERSIONS),
                        String.join("\n", r.protocolVersions()) + "\n");
            }
        }
    }

    /** What one server answers: the initialize result as a template, the tools/list result, its protocol versions. */
    public record Rendered(ObjectNode initialize, JsonNode toolsList, List<String> protocolVersions) {}

    /** Asks a server assembled like {@code serve}'s, publishing {@code profile}. */
    public static Rendered render(ToolSchemaProfile profile) throws IOException {
        Pipe toServer = Pipe.open();
        Pipe fromServer = Pipe.open();
        StdioTransportProvider transport = new StdioTransportProvider(
                McpJsonDefaults.getMapper(),
                Channels.newInputStream(toServer.source()),
                Channels.newOutputStream(fromServer.sink()),
                StdioTransportProvider.DEFAULT_MAX_LINE_BYTES,
                Duration.ofSeconds(5));
        List<String> versions = new ArrayList<>(transport.protocolVersions());
        JobService jobs = new FalKeyRequiredJobService(
                DeferredJobService.describingOnly(PriceTable.load(FalEndpoints.load(), null)), false);
        KlingMcpServer server =
                KlingMcpServer.start(transport, jobs, s -> s, PublishedAnswers.VERSION_SLOT, profile, CostGuard.none());
        try (OutputStream requests = Channels.newOutputStream(toServer.sink());
                BufferedReader answers = new BufferedReader(
                        new InputStreamReader(Channels.newInputStream(fromServer.source()), StandardCharsets.UTF_8))) {
            String latest = versions.get(versions.size() - 1);
            send(
                    requests,
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                            + latest
                            + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"build\",\"version\":\"1\"}}}");
            ObjectNode init = (ObjectNode) answer(answers, 1);
            init.put("protocolVersion", PublishedAnswers.PROTOCOL_VERSION_SLOT);
            send(requests, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            send(requests, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
            JsonNode tools = answer(answers, 2);
            return new Rendered(init, tools, versions);
        } finally {
            server.close();
        }
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The result of the response with this id (bounded: the server answers these at once or not at all). */
    private static JsonNode answer(BufferedReader in, int id) throws IOException {
        for (int i = 0; i < 100; i++) {
            String line = in.readLine();
            if (line == null) {
                break;
            }
            JsonNode message = JSON.readTree(line);
            if (message.path("id").asInt(-1) == id) {
                if (!message.has("result")) {
                    throw new IOException("the server refused request " + id + ": " + line);
                }
                return message.get("result");
            }
        }
        throw new IOException("no answer to request " + id);
    }
}
