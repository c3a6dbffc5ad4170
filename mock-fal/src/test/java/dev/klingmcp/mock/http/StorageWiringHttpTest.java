package dev.klingmcp.mock.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.MockFalHarness;
import dev.klingmcp.mock.MockFalHarness.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The storage package's routes as the assembled mock serves them: key check, proxy, faults, reset. */
class StorageWiringHttpTest {

    @RegisterExtension
    static final MockFalHarness mock = MockFalHarness.perClass();

    private static final String INITIATE = "/storage/upload/initiate?storage_type=fal-cdn-v3";
    private static final String FILE = "{\"content_type\":\"text/plain\",\"file_name\":\"hello.txt\"}";

    private static String uploadAndFetch(JsonNode ticket, String content) throws Exception {
        HttpResponse<String> put = mock.http()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(ticket.get("upload_url").asText()))
                                .header("Content-Type", "text/plain")
                                .PUT(HttpRequest.BodyPublishers.ofString(content))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode() / 100).isEqualTo(2);
        return mock.http()
                .send(
                        HttpRequest.newBuilder(URI.create(ticket.get("file_url").asText()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void initiateNeedsTheKeyThePresignedPutDoesNot() throws Exception {
        assertThat(mock.post(INITIATE, FILE, "Authorization", null).status()).isEqualTo(401);
        Response ticket = mock.post(INITIATE, FILE);
        assertThat(ticket.status()).isEqualTo(200);
        assertThat(ticket.json().get("upload_url").asText())
                .startsWith(mock.fal().baseUrl());
        assertThat(ticket.header("x-fal-request-id"))
                .as("added to the storage package's answers too")
                .isNotBlank();
        assertThat(uploadAndFetch(ticket.json(), "hello mock")).isEqualTo("hello mock");
    }

    @Test
    void initiateWorksThroughTheProxyEntry() throws Exception {
        Response ticket = mock.post("/api/fal/proxy", FILE, "x-fal-target-url", "https://rest.fal.ai" + INITIATE);
        assertThat(ticket.status()).isEqualTo(200);
        assertThat(uploadAndFetch(ticket.json(), "via proxy")).isEqualTo("via proxy");
    }

    @Test
    void storageFaultsStrikeStorageCallsOnly() {
        Response failed = mock.post(INITIATE, FILE, QueueRoutes.FAULT_HEADER, "storage=502");
        assertThat(failed.status()).isEqualTo(502);
        assertThat(failed.body()).contains("nginx");
        assertThat(failed.header("x-fal-request-id")).isNull();
        assertThat(mock.post(INITIATE, FILE).status()).isEqualTo(200);
    }

    @Test
    void resetForgetsUploads() throws Exception {
        JsonNode ticket = mock.post(INITIATE, FILE).json();
        uploadAndFetch(ticket, "soon gone");
        mock.control().reset();
        HttpResponse<String> gone = mock.http()
                .send(
                        HttpRequest.newBuilder(URI.create(ticket.get("file_url").asText()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(gone.statusCode()).isEqualTo(404);
    }
}
