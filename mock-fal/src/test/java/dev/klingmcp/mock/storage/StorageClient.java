package dev.klingmcp.mock.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.mock.media.LocalServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Speaks the @fal-ai/client 1.10.1 storage protocol step by step, so tests can also break individual steps. */
final class StorageClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final LocalServer server;

    StorageClient(LocalServer server) {
        this.server = server;
    }

    JsonNode initiate(String contentType, String fileName, boolean multipart) throws Exception {
        HttpResponse<byte[]> response = initiateRaw(
                JSON.createObjectNode()
                        .put("content_type", contentType)
                        .put("file_name", fileName)
                        .toString(),
                multipart);
        if (response.statusCode() != 200) {
            throw new AssertionError("initiate answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return JSON.readTree(response.body());
    }

    HttpResponse<byte[]> initiateRaw(String body, boolean multipart) throws Exception {
        String path = "/storage/upload/initiate" + (multipart ? "-multipart" : "") + "?storage_type=fal-cdn-v3";
        return server.send(
                server.request(path).header("Content-Type", "application/json").POST(BodyPublishers.ofString(body)));
    }

    HttpResponse<byte[]> put(String url, byte[] bytes, String contentType) throws Exception {
        return server.send(
                server.request(url).header("Content-Type", contentType).PUT(BodyPublishers.ofByteArray(bytes)));
    }

    /** {@code {origin}{pathname}/{suffix}{search}}, exactly how the JS client derives part and complete URLs. */
    static String derive(String uploadUrl, String suffix) {
        URI uri = URI.create(uploadUrl);
        String search = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath() + "/" + suffix + search;
    }

    HttpResponse<byte[]> complete(String uploadUrl, String partsJson) throws Exception {
        return server.send(server.request(derive(uploadUrl, "complete"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"parts\":" + partsJson + "}")));
    }

    static JsonNode json(HttpResponse<byte[]> response) throws Exception {
        return JSON.readTree(response.body());
    }
}
