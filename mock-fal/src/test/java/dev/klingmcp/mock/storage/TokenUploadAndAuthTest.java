package dev.klingmcp.mock.storage;

import static dev.klingmcp.mock.storage.StorageClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.media.LocalServer;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Python client's token flow, and the key check the caller plugs into the authenticated storage calls. */
class TokenUploadAndAuthTest {

    @TempDir
    Path root;

    private StorageServer running;
    private LocalServer server;

    @BeforeEach
    void start() throws Exception {
        running = StorageServer.start(
                StorageOptions.defaults(root),
                Clock.systemUTC(),
                (router, storage) -> StorageRoutes.mount(
                        router,
                        storage,
                        request -> "Key good".equals(request.getHeader("Authorization"))
                                ? Optional.empty()
                                : Optional.of("Invalid API key")));
        server = running.server;
    }

    @AfterEach
    void stop() throws Exception {
        running.close();
    }

    @Test
    void aTokenFromTheRestApiUploadsToBaseUrlAndTheAccessUrlServesTheBytes() throws Exception {
        HttpResponse<byte[]> tokenResponse = server.send(server.request("/storage/auth/token?storage_type=fal-cdn-v3")
                .header("Authorization", "Key good")
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{}")));
        assertThat(tokenResponse.statusCode()).isEqualTo(200);
        JsonNode token = json(tokenResponse);
        assertThat(token.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(token.get("base_url").asText()).isEqualTo(server.baseUrl() + "/cdn");
        assertThat(Instant.parse(token.get("expires_at").asText())).isAfter(Instant.now());

        HttpResponse<byte[]> upload =
                server.send(server.request(token.get("base_url").asText() + "/files/upload")
                        .header(
                                "Authorization",
                                token.get("token_type").asText() + " "
                                        + token.get("token").asText())
                        .header("Content-Type", "image/jpeg")
                        .header("X-Fal-File-Name", "face.jpg")
                        .POST(BodyPublishers.ofString("jpeg bytes")));
        assertThat(upload.statusCode()).isEqualTo(200);
        String accessUrl = json(upload).get("access_url").asText();
        assertThat(accessUrl).startsWith(server.baseUrl() + "/cdn/files/").endsWith("/face.jpg");

        HttpResponse<byte[]> get = server.send(server.request(accessUrl).GET());
        assertThat(get.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(new String(get.body(), StandardCharsets.UTF_8)).isEqualTo("jpeg bytes");
    }

    @Test
    void theTokenUploadRejectsAMissingOrMadeUpToken() throws Exception {
        HttpRequest.Builder noToken = server.request("/cdn/files/upload")
                .header("Content-Type", "image/png")
                .POST(BodyPublishers.ofString("x"));
        HttpResponse<byte[]> missing = server.send(noToken);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(json(missing).get("detail").asText()).contains("Bearer");

        HttpResponse<byte[]> madeUp = server.send(server.request("/cdn/files/upload")
                .header("Content-Type", "image/png")
                .header("Authorization", "Bearer 1234")
                .POST(BodyPublishers.ofString("x")));
        assertThat(madeUp.statusCode()).isEqualTo(401);
        assertThat(json(madeUp).get("detail").asText()).contains("/storage/auth/token");
    }

    @Test
    void keyAuthenticatedCallsAnswer401WithTheRefusalAndNeverEchoTheKey() throws Exception {
        HttpResponse<byte[]> refused = server.send(server.request("/storage/upload/initiate")
                .header("Authorization", "Key leaked-secret-123")
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"content_type\":\"image/png\",\"file_name\":\"a.png\"}")));

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(json(refused).get("detail").asText()).isEqualTo("Invalid API key");
        assertThat(new String(refused.body(), StandardCharsets.UTF_8)).doesNotContain("leaked-secret-123");
        assertThat(server.send(server.request("/storage/auth/token").POST(BodyPublishers.ofString("{}")))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void presignedUploadsNeedNoKey() throws Exception {
        HttpResponse<byte[]> initiated = server.send(server.request("/storage/upload/initiate")
                .header("Authorization", "Key good")
                .POST(BodyPublishers.ofString("{\"content_type\":\"text/plain\",\"file_name\":\"a.txt\"}")));
        String uploadUrl = json(initiated).get("upload_url").asText();

        HttpResponse<byte[]> put = server.send(server.request(uploadUrl).PUT(BodyPublishers.ofString("no auth here")));

        assertThat(put.statusCode()).isEqualTo(200);
    }
}
