package dev.klingmcp.contract.modern;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stateless revision's envelope and routing errors, each with the spec's code and HTTP status, while the SDK lane
 * keeps answering {@code initialize} on the same endpoint.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ModernErrorsTest {

    @RegisterExtension
    static final ServedOverHttp served = new ServedOverHttp("http", 60);

    @Test
    void discoverNamesVersionsCapabilitiesAndTheServer() {
        Wire.Answer a = Wire.post(served.url(), Wire.request("server/discover", null, null));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.result().path("resultType").asText()).isEqualTo("complete");
        assertThat(a.result().path("supportedVersions").toString()).contains("2026-07-28");
        assertThat(a.result().path("capabilities").path("extensions").has("io.modelcontextprotocol/tasks"))
                .isTrue();
        assertThat(a.result()
                        .path("_meta")
                        .path("io.modelcontextprotocol/serverInfo")
                        .path("name")
                        .asText())
                .isEqualTo("kling-mcp");
        assertThat(a.result().path("ttlMs").isIntegralNumber()).isTrue();
    }

    @Test
    void headerThatDisagreesWithTheBodyIsAHeaderMismatch() {
        ObjectNode list = Wire.request("tools/list", null, null);
        Map<String, String> headers = new HashMap<>(Wire.headers(list));
        headers.put("Mcp-Method", "tools/call");
        Wire.Answer a = Wire.post(served.url(), list, headers);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.errorCode()).isEqualTo(-32020);
        assertThat(a.json().get("id")).isEqualTo(list.get("id"));

        ObjectNode call = Wire.toolCall("describe_models", ModernFixture.JSON.createObjectNode(), null);
        headers = new HashMap<>(Wire.headers(call));
        headers.put("Mcp-Name", "generate");
        assertThat(Wire.post(served.url(), call, headers).errorCode()).isEqualTo(-32020);

        headers = new HashMap<>(Wire.headers(call));
        headers.remove("MCP-Protocol-Version");
        Wire.Answer missing = Wire.post(served.url(), call, headers);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorCode()).isEqualTo(-32020);
    }

    @Test
    void missingMetaVersionIsInvalidParams() {
        ObjectNode list = Wire.request("tools/list", null, null);
        ((ObjectNode) list.path("params").path("_meta")).remove("io.modelcontextprotocol/protocolVersion");
        Map<String, String> headers = Map.of("MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/list");
        Wire.Answer a = Wire.post(served.url(), list, headers);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.errorCode()).isEqualTo(-32602);

        ObjectNode noCaps = Wire.request("tools/list", null, null);
        ((ObjectNode) noCaps.path("params").path("_meta")).remove("io.modelcontextprotocol/clientCapabilities");
        assertThat(Wire.post(served.url(), noCaps).errorCode()).isEqualTo(-32602);
    }

    @Test
    void unsupportedVersionNamesTheSupportedOnes() {
        ObjectNode list = Wire.request("tools/list", null, null);
        ((ObjectNode) list.path("params").path("_meta")).put("io.modelcontextprotocol/protocolVersion", "2099-01-01");
        Wire.Answer a = Wire.post(served.url(), list);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.errorCode()).isEqualTo(-32022);
        JsonNode data = a.json().path("error").path("data");
        assertThat(data.path("supported").toString()).contains("2026-07-28");
        assertThat(data.path("requested").asText()).isEqualTo("2099-01-01");
    }

    @Test
    void removedMethodsAreUnknownAndThereIsNoGetStream() throws Exception {
        Wire.Answer ping = Wire.post(served.url(), Wire.request("ping", null, null));
        assertThat(ping.status()).isEqualTo(404);
        assertThat(ping.errorCode()).isEqualTo(-32601);
        HttpResponse<String> get = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(served.url()))
                                .header("MCP-Protocol-Version", "2026-07-28")
                                .header("Accept", "text/event-stream")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
    }

    @Test
    void unknownJobResourceIsInvalidParamsWithItsUri() {
        ObjectNode read = Wire.request(
                "resources/read", ModernFixture.JSON.createObjectNode().put("uri", "kling://jobs/no-such-job"), null);
        Wire.Answer a = Wire.post(served.url(), read);
        assertThat(a.errorCode()).isEqualTo(-32602);
        assertThat(a.json().path("error").path("data").path("uri").asText()).isEqualTo("kling://jobs/no-such-job");
    }

    @Test
    void legacyInitializeStillReachesTheSdkOnTheSameEndpoint() {
        ObjectNode init =
                ModernFixture.JSON.createObjectNode().put("jsonrpc", "2.0").put("id", 1);
        init.put("method", "initialize");
        ObjectNode params = init.putObject("params").put("protocolVersion", "2025-11-25");
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "legacy").put("version", "1");
        Wire.Answer a = Wire.post(served.url(), init, Map.of());
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.result().path("protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(a.result().has("resultType")).isFalse();
    }

    @Test
    void stdioPinsTheEraAtTheFirstRequest() {
        try (ServerProcess stdio = ServerProcess.stdio(served.fixture(), "stdio-errors")) {
            ObjectNode bad = Wire.request("tools/list", null, null);
            ((ObjectNode) bad.path("params").path("_meta"))
                    .put("io.modelcontextprotocol/protocolVersion", "2099-01-01");
            assertThat(stdio.call(bad).path("error").path("code").asInt()).isEqualTo(-32022);

            JsonNode discover = stdio.call(Wire.request("server/discover", null, null));
            assertThat(discover.path("result").path("resultType").asText()).isEqualTo("complete");

            ObjectNode init =
                    ModernFixture.JSON.createObjectNode().put("jsonrpc", "2.0").put("id", "init");
            init.put("method", "initialize");
            init.putObject("params").put("protocolVersion", "2025-11-25");
            JsonNode refused = stdio.call(init);
            assertThat(refused.path("error").path("code").asInt()).isEqualTo(-32022);
            assertThat(refused.path("error").path("data").path("supported").toString())
                    .contains("2026-07-28");
        }
    }
}
