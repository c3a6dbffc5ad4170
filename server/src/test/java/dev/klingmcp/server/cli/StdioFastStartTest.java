package dev.klingmcp.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.server.config.ConfigKeys;
import dev.klingmcp.server.config.ServerConfigLoader;
import dev.klingmcp.server.testing.LineClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default stdio launch answers initialize and tools/list from the build's published answers: they must be exactly
 * what the server assembled by {@code serve} answers, for both schema profiles and every protocol version, and the
 * server behind them must take over for everything else.
 */
@Timeout(180)
class StdioFastStartTest {

    private static final Duration ANSWER = Duration.ofSeconds(60);

    private static final String INITIALIZE =
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"%s\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}";

    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    private static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

    @TempDir
    Path tmp;

    private int servers;

    private ServerConfigLoader loader(Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(settings);
        servers++;
        env.putIfAbsent(
                ConfigKeys.envName(ConfigKeys.LEDGER_URL), "jdbc:sqlite:" + tmp.resolve("jobs-" + servers + ".db"));
        return new ServerConfigLoader().env(env).home(tmp).workingDir(tmp);
    }

    /** initialize (at {@code version}) + tools/list against the fast start or the plain serve; both results. */
    // The client is closed inside its try on purpose: that EOF on the server's stdin is what ends the serve.
    @SuppressWarnings("try")
    private List<JsonNode> ask(boolean fast, Map<String, String> settings, String version) throws Exception {
        ServerConfigLoader loader = loader(settings);
        try (LineClient client = new LineClient()) {
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> fast
                    ? StdioFastStart.serve(client.serverIn(), client.serverOut(), loader)
                    : ServeCommand.serveStdio(
                            loader.load(),
                            loader.loadToolSchemaProfile(),
                            loader.loadFollow(),
                            client.serverIn(),
                            client.serverOut(),
                            null));
            client.send(INITIALIZE.formatted(version));
            JsonNode init = client.response("1", ANSWER);
            client.send(INITIALIZED);
            client.send(TOOLS_LIST);
            JsonNode tools = client.response("2", ANSWER);
            client.close();
            assertThat(run.get(60, TimeUnit.SECONDS))
                    .as("served, and by the fast start when asked")
                    .isEqualTo(0);
            return List.of(init.get("result"), tools.get("result"));
        }
    }

    @Test
    void thePublishedAnswersAreTheServersForEveryProtocolVersion() throws Exception {
        for (String version : List.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "1999-01-01")) {
            List<JsonNode> live = ask(false, Map.of(), version);
            List<JsonNode> fast = ask(true, Map.of(), version);
            assertThat(fast.get(0)).as("initialize at " + version).isEqualTo(live.get(0));
            assertThat(fast.get(1))
                    .as("tools/list after initialize at " + version)
                    .isEqualTo(live.get(1));
        }
    }

    @Test
    void thePublishedToolListIsTheServersInBothSchemaProfiles() throws Exception {
        String profile = ConfigKeys.envName(ConfigKeys.TOOLS_SCHEMA_PROFILE);
        for (String p : List.of("portable", "full")) {
            // with and without a fal key: the key changes what the tools may do, never how they are described
            Map<String, String> settings = Map.of(profile, p, "FAL_KEY", "key-id:key-secret");
            List<JsonNode> live = ask(false, Map.of(profile, p), "2025-06-18");
            List<JsonNode> fast = ask(true, settings, "2025-06-18");
            assertThat(fast.get(1)).as("tools/list, profile " + p).isEqualTo(live.get(1));
            assertThat(fast.get(0)).isEqualTo(live.get(0));
        }
        List<JsonNode> portable = ask(true, Map.of(profile, "portable"), "2025-06-18");
        List<JsonNode> full = ask(true, Map.of(profile, "full"), "2025-06-18");
        assertThat(portable.get(1))
                .as("the two profiles publish different schemas")
                .isNotEqualTo(full.get(1));
    }

    @Test
    @SuppressWarnings("try") // closing the client early is the EOF that ends the serve
    void aToolCallRightAfterInitializeIsAnsweredByTheServerBehind() throws Exception {
        ServerConfigLoader loader = loader(Map.of());
        try (LineClient client = new LineClient()) {
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(
                    () -> StdioFastStart.serve(client.serverIn(), client.serverOut(), loader));
            client.send(INITIALIZE.formatted("2025-06-18"));
            client.send(INITIALIZED);
            client.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"list_jobs\","
                    + "\"arguments\":{}}}");
            client.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"describe_models\",\"arguments\":{}}}");
            client.response("1", ANSWER);
            JsonNode jobs = client.response("2", ANSWER);
            assertThat(jobs.at("/result/isError").asBoolean())
                    .as(jobs.toString())
                    .isFalse();
            assertThat(jobs.at("/result/structuredContent/jobs").isArray()).isTrue();
            JsonNode models = client.response("3", ANSWER);
            assertThat(models.at("/result/isError").asBoolean()).isFalse();
            client.send("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}");
            assertThat(client.response("4", ANSWER).at("/result/tools").size()).isEqualTo(7);
            client.close();
            assertThat(run.get(60, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void onlyTheDefaultLaunchWithPublishableAnswersStartsThisWay() throws Exception {
        assertThat(StdioFastStart.applies(new String[0])).isTrue();
        assertThat(StdioFastStart.applies(new String[] {"serve"})).isTrue();
        assertThat(StdioFastStart.applies(new String[] {"serve", "--http"})).isFalse();
        assertThat(StdioFastStart.applies(new String[] {"--mock"})).isFalse();
        assertThat(StdioFastStart.applies(new String[] {"--version"})).isFalse();

        // A price file changes the prices in the descriptions: the published list is not this server's.
        Path prices = Files.writeString(tmp.resolve("prices.properties"), "");
        ServerConfigLoader withPrices = loader(Map.of(ConfigKeys.envName(ConfigKeys.PRICE_FILE), prices.toString()));
        // A setting that is not usable: the ordinary serve reports it.
        ServerConfigLoader broken =
                loader(Map.of(ConfigKeys.envName(ConfigKeys.TOOLS_SCHEMA_PROFILE), "no-such-profile"));
        try (LineClient client = new LineClient()) {
            assertThat(StdioFastStart.serve(client.serverIn(), client.serverOut(), withPrices))
                    .isNull();
            assertThat(StdioFastStart.serve(client.serverIn(), client.serverOut(), broken))
                    .isNull();
            assertThat(client.next(Duration.ofMillis(200)))
                    .as("nothing written")
                    .isNull();
        }
    }
}
