package dev.klingmcp.mock.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.media.LocalServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Other handlers (access log, fault injection) run before the storage routes. Upload bodies must survive an asynchronous
 * handler in front, and an early answer from one (an injected 503) must not stall the client that is still sending.
 */
class UploadBodyPausingTest {

    @TempDir
    Path root;

    private StorageServer running;
    private LocalServer server;
    private StorageClient client;

    @BeforeEach
    void start() throws Exception {
        running = StorageServer.start(StorageOptions.defaults(root), Clock.systemUTC(), (router, storage) -> {
            router.route("/cdn/upload/*").handler(ctx -> ctx.vertx().setTimer(30, id -> {
                if ("503".equals(ctx.request().getHeader("X-Test-Fault"))) {
                    ctx.response().setStatusCode(503).end("{\"detail\":\"injected\"}");
                } else {
                    ctx.next();
                }
            }));
            StorageRoutes.mount(router, storage);
        });
        server = running.server;
        client = running.client;
    }

    @AfterEach
    void stop() throws Exception {
        running.close();
    }

    @Test
    void noBytesAreLostBehindAnAsynchronousHandler() throws Exception {
        byte[] payload = new byte[3 << 20];
        new Random(7).nextBytes(payload);
        JsonNode ticket = client.initiate("application/octet-stream", "a.bin", false);

        assertThat(client.put(ticket.get("upload_url").asText(), payload, "application/octet-stream")
                        .statusCode())
                .isEqualTo(200);

        assertThat(server.send(server.request(ticket.get("file_url").asText()).GET())
                        .body())
                .isEqualTo(payload);
    }

    @Test
    void anEarlyAnswerDoesNotStallTheClientOrTheConnection() throws Exception {
        String uploadUrl = client.initiate("application/octet-stream", "a.bin", false)
                .get("upload_url")
                .asText();

        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> faulted = server.send(server.request(uploadUrl)
                    .header("X-Test-Fault", "503")
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[5 << 20])));
            assertThat(faulted.statusCode()).isEqualTo(503);
            assertThat(server.send(server.request("/cdn/files/none/x").GET()).statusCode())
                    .isEqualTo(404);
        }
    }
}
