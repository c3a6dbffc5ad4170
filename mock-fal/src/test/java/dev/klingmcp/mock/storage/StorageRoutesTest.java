package dev.klingmcp.mock.storage;

import static dev.klingmcp.mock.storage.StorageClient.derive;
import static dev.klingmcp.mock.storage.StorageClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.media.LocalServer;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageRoutesTest {

    @TempDir
    Path root;

    private StorageServer running;
    private LocalServer server;
    private StorageService storage;
    private StorageClient client;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

    @BeforeEach
    void start() throws Exception {
        Clock clock = new Clock() {
            @Override
            public Instant instant() {
                return now.get();
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        running = StorageServer.start(StorageOptions.defaults(root).withMaxFileBytes(64 * 1024), clock);
        storage = running.storage;
        server = running.server;
        client = running.client;
    }

    @AfterEach
    void stop() throws Exception {
        running.close();
    }

    @Test
    void aSmallFileGoesUpInOnePutAndComesBackWithItsContentType() throws Exception {
        byte[] png = "\u0089PNG fake image bytes".getBytes(StandardCharsets.ISO_8859_1);
        JsonNode ticket = client.initiate("image/png", "start frame.png", false);
        String uploadUrl = ticket.get("upload_url").asText();
        String fileUrl = ticket.get("file_url").asText();
        assertThat(uploadUrl).startsWith(server.baseUrl() + "/cdn/upload/").contains("?signature=");
        assertThat(fileUrl).startsWith(server.baseUrl() + "/cdn/files/").endsWith("/start%20frame.png");

        HttpResponse<byte[]> put = client.put(uploadUrl, png, "image/png");
        assertThat(put.statusCode()).isEqualTo(200);

        HttpResponse<byte[]> get = server.send(server.request(fileUrl).GET());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(get.body()).isEqualTo(png);
        HttpResponse<byte[]> range =
                server.send(server.request(fileUrl).header("Range", "bytes=1-3").GET());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(png, 1, 4));
        assertThat(storage.files()).singleElement().satisfies(f -> assertThat(f.size())
                .isEqualTo(png.length));
    }

    @Test
    void aFileIsNotServedBeforeItsBytesArrive() throws Exception {
        JsonNode ticket = client.initiate("text/plain", "a.txt", false);

        assertThat(server.send(server.request(ticket.get("file_url").asText()).GET())
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void multipartPartsAnswerPartNumberAndEtagAndCompleteJoinsThemInOrder() throws Exception {
        JsonNode ticket = client.initiate("application/octet-stream", "joined.bin", true);
        String uploadUrl = ticket.get("upload_url").asText();
        assertThat(uploadUrl).startsWith(server.baseUrl() + "/cdn/multipart/");

        JsonNode second = json(client.put(
                derive(uploadUrl, "2"), "world".getBytes(StandardCharsets.UTF_8), "application/octet-stream"));
        JsonNode first = json(client.put(
                derive(uploadUrl, "1"), "hello ".getBytes(StandardCharsets.UTF_8), "application/octet-stream"));
        assertThat(first.get("partNumber").asInt()).isEqualTo(1);
        assertThat(first.get("etag").asText()).isEqualTo(md5Hex("hello "));

        HttpResponse<byte[]> done = client.complete(uploadUrl, "[" + first + "," + second + "]");
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(json(done).get("file_url").asText())
                .isEqualTo(ticket.get("file_url").asText());
        assertThat(new String(
                        server.send(server.request(ticket.get("file_url").asText())
                                        .GET())
                                .body(),
                        StandardCharsets.UTF_8))
                .isEqualTo("hello world");

        HttpResponse<byte[]> again = client.complete(uploadUrl, "[" + first + "," + second + "]");
        assertThat(again.statusCode()).as("a retried complete succeeds").isEqualTo(200);
    }

    @Test
    void completeNamesTheMissingPartOrTheWrongEtag() throws Exception {
        String uploadUrl =
                client.initiate("text/plain", "x.txt", true).get("upload_url").asText();
        JsonNode first = json(client.put(derive(uploadUrl, "1"), "abc".getBytes(StandardCharsets.UTF_8), "text/plain"));

        HttpResponse<byte[]> missing = client.complete(
                uploadUrl,
                "[" + first + ",{\"partNumber\":2,\"etag\":\""
                        + first.get("etag").asText() + "\"}]");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing).get("detail").asText())
                .contains("part 2 was never uploaded")
                .contains("[1]");

        HttpResponse<byte[]> wrongEtag = client.complete(uploadUrl, "[{\"partNumber\":1,\"etag\":\"nope\"}]");
        assertThat(wrongEtag.statusCode()).isEqualTo(400);
        assertThat(json(wrongEtag).get("detail").asText()).contains("etag for part 1 does not match");

        HttpResponse<byte[]> unordered = client.complete(uploadUrl, "[" + first + "," + first + "]");
        assertThat(json(unordered).get("detail").asText()).contains("ascending");

        HttpResponse<byte[]> noParts = client.complete(uploadUrl, "[]");
        assertThat(noParts.statusCode()).isEqualTo(400);

        HttpResponse<byte[]> badShape = client.complete(uploadUrl, "[{\"partNumber\":\"one\",\"etag\":\"x\"}]");
        assertThat(badShape.statusCode()).isEqualTo(422);
        assertThat(json(badShape).at("/detail/0/loc").toString()).isEqualTo("[\"body\",\"parts\",0,\"partNumber\"]");
    }

    @Test
    void presignedUrlsRequireTheirSignatureAndAKnownId() throws Exception {
        String uploadUrl =
                client.initiate("text/plain", "x.txt", false).get("upload_url").asText();
        String unsigned = uploadUrl.substring(0, uploadUrl.indexOf('?'));

        HttpResponse<byte[]> forbidden = client.put(unsigned, "x".getBytes(StandardCharsets.UTF_8), "text/plain");
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(json(forbidden).get("detail").asText()).contains("signature");

        HttpResponse<byte[]> unknown = client.put(
                server.baseUrl() + "/cdn/upload/ffff?signature=x", "x".getBytes(StandardCharsets.UTF_8), "text/plain");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("detail").asText()).contains("No upload with id 'ffff'");
    }

    @Test
    void partNumbersMustBeIntegersInRange() throws Exception {
        String uploadUrl =
                client.initiate("text/plain", "x.txt", true).get("upload_url").asText();

        assertThat(client.put(derive(uploadUrl, "0"), "x".getBytes(StandardCharsets.UTF_8), "text/plain")
                        .statusCode())
                .isEqualTo(400);
        HttpResponse<byte[]> word =
                client.put(derive(uploadUrl, "first"), "x".getBytes(StandardCharsets.UTF_8), "text/plain");
        assertThat(word.statusCode()).isEqualTo(400);
        assertThat(json(word).get("detail").asText()).contains("not an integer").contains("1..10000");
    }

    @Test
    void initiateExplainsWhatIsWrongWithItsBody() throws Exception {
        HttpResponse<byte[]> noType = client.initiateRaw("{\"file_name\":\"a.png\"}", false);
        assertThat(noType.statusCode()).isEqualTo(422);
        assertThat(json(noType).at("/detail/0/loc").toString()).isEqualTo("[\"body\",\"content_type\"]");
        assertThat(json(noType).at("/detail/0/type").asText()).isEqualTo("missing");

        assertThat(client.initiateRaw("not json", false).statusCode()).isEqualTo(422);
        assertThat(json(client.initiateRaw("{\"content_type\":\"png\"}", false))
                        .at("/detail/0/msg")
                        .asText())
                .contains("MIME type like image/png");
        assertThat(json(client.initiateRaw("{\"content_type\":\"image/png\",\"file_name\":\"../\"}", false))
                        .at("/detail/0/loc/1")
                        .asText())
                .isEqualTo("file_name");

        HttpResponse<byte[]> badType = server.send(server.request("/storage/upload/initiate?storage_type=s3")
                .POST(BodyPublishers.ofString("{\"content_type\":\"image/png\"}")));
        assertThat(json(badType).at("/detail/0/msg").asText()).contains("fal-cdn-v3");
    }

    @Test
    void directoriesInTheFileNameAreDropped() throws Exception {
        JsonNode ticket = client.initiate("text/plain", "../../etc/passwd", false);

        assertThat(ticket.get("file_url").asText()).endsWith("/passwd").doesNotContain("..");
    }

    @Test
    void uploadsOverTheLimitAre413AndLeaveNothingBehind() throws Exception {
        String uploadUrl = client.initiate("application/octet-stream", "big.bin", false)
                .get("upload_url")
                .asText();

        HttpResponse<byte[]> tooBig = client.put(uploadUrl, new byte[64 * 1024 + 1], "application/octet-stream");

        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(json(tooBig).get("detail").asText()).contains("65536");
        assertThat(storage.files()).isEmpty();
    }

    @Test
    void partsThatTogetherExceedTheLimitCannotBeCompleted() throws Exception {
        String uploadUrl = client.initiate("application/octet-stream", "big.bin", true)
                .get("upload_url")
                .asText();
        JsonNode one = json(client.put(derive(uploadUrl, "1"), new byte[40 * 1024], "application/octet-stream"));
        JsonNode two = json(client.put(derive(uploadUrl, "2"), new byte[40 * 1024], "application/octet-stream"));

        HttpResponse<byte[]> done = client.complete(uploadUrl, "[" + one + "," + two + "]");

        assertThat(done.statusCode()).isEqualTo(413);
    }

    @Test
    void aLifecycleExpiryHidesTheFileAfterwards() throws Exception {
        HttpResponse<byte[]> initiated = server.send(server.request("/storage/upload/initiate")
                .header("X-Fal-Object-Lifecycle", "{\"expiration_duration_seconds\":60}")
                .POST(BodyPublishers.ofString("{\"content_type\":\"text/plain\",\"file_name\":\"t.txt\"}")));
        JsonNode ticket = json(initiated);
        client.put(ticket.get("upload_url").asText(), "temp".getBytes(StandardCharsets.UTF_8), "text/plain");
        String fileUrl = ticket.get("file_url").asText();
        assertThat(server.send(server.request(fileUrl).GET()).statusCode()).isEqualTo(200);

        now.set(now.get().plus(Duration.ofSeconds(61)));

        assertThat(server.send(server.request(fileUrl).GET()).statusCode()).isEqualTo(404);
    }

    @Test
    void resetForgetsEverything() throws Exception {
        JsonNode ticket = client.initiate("text/plain", "x.txt", false);
        client.put(ticket.get("upload_url").asText(), "x".getBytes(StandardCharsets.UTF_8), "text/plain");

        storage.reset();

        assertThat(storage.files()).isEmpty();
        assertThat(server.send(server.request(ticket.get("file_url").asText()).GET())
                        .statusCode())
                .isEqualTo(404);
        assertThat(root).isEmptyDirectory();
    }

    private static String md5Hex(String text) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(
                        java.security.MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
