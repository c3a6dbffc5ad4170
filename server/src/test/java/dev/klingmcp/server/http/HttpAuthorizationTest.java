package dev.klingmcp.server.http;

import static dev.klingmcp.server.testing.HttpTestClient.INITIALIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.server.auth.Authenticator;
import dev.klingmcp.server.config.HttpSettings;
import dev.klingmcp.server.testing.FakeJobsOverHttp;
import dev.klingmcp.server.testing.HttpTestClient;
import dev.klingmcp.server.transport.StreamableHttpServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --http} as an OAuth 2.1 resource server: JWTs of a local test issuer, a static token file, RFC 9728
 * metadata, 401/403 with their WWW-Authenticate headers, and a real MCP client carrying a bearer token.
 */
@Timeout(60)
class HttpAuthorizationTest {

    static final String PUBLIC_URL = "https://mcp.example.test/mcp";

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private TestIssuer issuer;

    private FakeJobsOverHttp front;

    private HttpTestClient client;

    @BeforeEach
    void start() throws Exception {
        issuer = new TestIssuer();
        Path tokens = tmp.resolve("tokens");
        Files.writeString(
                tokens,
                "# static tokens\nplain-reader-token carol video:read\nsha256:"
                        + HexFormat.of().formatHex(dev.klingmcp.server.auth.StaticTokens.sha256("hashed-gen-token"))
                        + " dave video:read,video:generate\n");
        HttpSettings.Auth auth = new HttpSettings.Auth(issuer.issuer(), null, PUBLIC_URL, tokens);
        HttpSettings settings =
                HttpSettings.loopback().withPublicUrl(URI.create(PUBLIC_URL)).withAuth(auth);
        front = FakeJobsOverHttp.start(tmp, settings, Authenticator.from(auth));
        client = front.client();
    }

    @AfterEach
    void stop() {
        try {
            front.close();
        } finally {
            issuer.close();
        }
    }

    @Test
    void withoutATokenTheAnswerIs401PointingAtTheResourceMetadata() throws Exception {
        HttpResponse<String> r = client.send(client.post(INITIALIZE));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate"))
                .hasValue(
                        "Bearer resource_metadata=\"https://mcp.example.test/.well-known/oauth-protected-resource/mcp\"");
        assertThat(JSON.readTree(r.body()).path("error").path("message").asText())
                .contains("Bearer");
    }

    @Test
    void resourceMetadataIsServedAtBothWellKnownLocations() throws Exception {
        for (String path :
                List.of("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource")) {
            HttpResponse<String> r =
                    client.send(HttpRequest.newBuilder(client.uri(path)).GET());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            JsonNode doc = JSON.readTree(r.body());
            assertThat(doc.path("resource").asText()).isEqualTo(PUBLIC_URL);
            assertThat(doc.path("authorization_servers").get(0).asText())
                    .isEqualTo(issuer.issuer().toString());
            assertThat(doc.path("scopes_supported").toString()).contains("video:read", "video:generate");
        }
    }

    @Test
    void tokensWithWrongAudienceIssuerExpiryOrSignatureAre401() throws Exception {
        String scope = "video:read video:generate";
        Map<String, String> bad = Map.of(
                "audience", issuer.token("alice", "https://other.example.test/mcp", scope),
                "issuer", issuer.fromOtherIssuer("alice", PUBLIC_URL, scope),
                "expired", issuer.expired("alice", PUBLIC_URL, scope),
                "signature", issuer.badSignature("alice", PUBLIC_URL, scope),
                "garbage", "not-a-token");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            HttpResponse<String> r = client.send(client.post(INITIALIZE, e.getValue()));
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElse(""))
                    .as(e.getKey())
                    .startsWith("Bearer error=\"invalid_token\"")
                    .contains("resource_metadata=");
        }
        HttpResponse<String> good = client.send(client.post(INITIALIZE, issuer.token("alice", PUBLIC_URL, scope)));
        assertThat(good.statusCode()).isEqualTo(200);
    }

    @Test
    void aReadOnlyTokenCallingGenerateGets403InsufficientScope() throws Exception {
        String reader = issuer.token("bob", PUBLIC_URL, "video:read");
        String session = initialize(reader);
        HttpResponse<String> list =
                client.send(client.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}", reader)
                        .header("Mcp-Session-Id", session));
        assertThat(list.statusCode()).isEqualTo(200);
        HttpResponse<String> generate = client.send(client.post(
                        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                                + "{\"name\":\"generate\",\"arguments\":{\"model\":\"o3/pro/reference-to-video\",\"prompt\":\"x\"}}}",
                        reader)
                .header("Mcp-Session-Id", session));
        assertThat(generate.statusCode()).isEqualTo(403);
        assertThat(generate.headers().firstValue("WWW-Authenticate").orElse(""))
                .contains("error=\"insufficient_scope\"", "scope=\"video:generate\"");
        JsonNode error = JSON.readTree(generate.body());
        assertThat(error.path("id").asInt()).isEqualTo(3);
        assertThat(error.path("error").path("message").asText()).contains("insufficient_scope", "video:generate");
    }

    @Test
    void staticTokensFromTheFileAuthorizePlainAndHashed() throws Exception {
        assertThat(client.send(client.post(INITIALIZE, "plain-reader-token")).statusCode())
                .isEqualTo(200);
        assertThat(client.send(client.post(INITIALIZE, "hashed-gen-token")).statusCode())
                .isEqualTo(200);
        assertThat(client.send(client.post(INITIALIZE, "sha256:whatever")).statusCode())
                .isEqualTo(401);
    }

    @Test
    void anMcpClientWithABearerTokenGeneratesAJob() {
        String token = issuer.token("alice", PUBLIC_URL, "video:read video:generate");
        McpSyncClient mcp =
                client.mcpClient(token).requestTimeout(Duration.ofSeconds(20)).build();
        try {
            mcp.initialize();
            CallToolResult generated = mcp.callTool(CallToolRequest.builder("generate")
                    .arguments(Map.of("model", "o3/pro/reference-to-video", "prompt", "a cat"))
                    .build());
            assertThat(generated.isError()).isFalse();
        } finally {
            mcp.closeGracefully();
        }
    }

    @Test
    void aSessionIdIsUselessWithAnotherPrincipalsToken() throws Exception {
        String session = initialize(issuer.token("alice", PUBLIC_URL, "video:read"));
        HttpResponse<String> r = client.send(client.post(
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                        issuer.token("mallory", PUBLIC_URL, "video:read"))
                .header("Mcp-Session-Id", session));
        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void aPublicBindWithoutAuthorizationIsRefusedAtStart() {
        assertThatThrownBy(() ->
                        StreamableHttpServer.create(0, HttpSettings.loopback().withBind("0.0.0.0"), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("without authorization")
                .hasMessageContaining("auth.tokens-file");
    }

    private String initialize(String token) throws Exception {
        HttpResponse<String> init = client.send(client.post(INITIALIZE, token));
        assertThat(init.statusCode()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        client.send(client.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", token)
                .header("Mcp-Session-Id", session));
        return session;
    }
}
