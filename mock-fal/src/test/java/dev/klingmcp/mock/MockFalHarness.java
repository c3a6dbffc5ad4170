package dev.klingmcp.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An embedded mock on 127.0.0.1:0 with a manual clock, plus a small blocking HTTP/1.1 client for it. Videos are cached
 * in one directory for the whole test run so each (duration, ratio) is encoded once.
 */
public final class MockFalHarness implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    public static final String KEY = "test-key-id:test-secret";
    public static final String PRO = "fal-ai/kling-video/o3/pro/reference-to-video";
    public static final String FOUR_K = "fal-ai/kling-video/o3/4k/reference-to-video";
    public static final String STANDARD = "fal-ai/kling-video/o3/standard/image-to-video";
    public static final String STANDARD_INPUT =
            "{\"prompt\":\"a cat walks\",\"image_url\":\"https://example.com/cat.png\"," + "\"duration\":\"3\"}";
    /** Standard i2v: 10 s queue wait, then 94 s per 5 s of video; 3 s of video run 56.4 s. */
    public static final double STANDARD_QUEUE = 10;

    public static final double STANDARD_RUN = 56.4;
    public static final String PRO_INPUT =
            "{\"prompt\":\"@Image1 dances\",\"image_urls\":[\"https://example.com/a.png\"],"
                    + "\"duration\":\"3\",\"aspect_ratio\":\"9:16\"}";
    /** Pro: 15 s queue wait, then 318 s per 5 s of video; 3 s of video run 190.8 s. */
    public static final double PRO_QUEUE = 15;

    public static final double PRO_RUN = 190.8;
    private static final Path SHARED_STORAGE = Path.of("target", "mock-fal-test-storage");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Consumer<MockFalOptions> tweak;
    private MockFal fal;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private MockFalHarness(Consumer<MockFalOptions> tweak) {
        this.tweak = tweak;
    }

    /** Starts now: manual clock, seed 42, key {@link #KEY}; {@code tweak} adjusts anything else. */
    public static MockFalHarness start(Consumer<MockFalOptions> tweak) {
        MockFalHarness harness = new MockFalHarness(tweak);
        harness.beforeAll(null);
        return harness;
    }

    public static MockFalHarness start() {
        return start(o -> {});
    }

    /** One mock per test class: {@code @RegisterExtension static final MockFalHarness mock = MockFalHarness.perClass();} */
    public static MockFalHarness perClass() {
        return perClass(o -> {});
    }

    public static MockFalHarness perClass(Consumer<MockFalOptions> tweak) {
        return new MockFalHarness(tweak);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        MockFalOptions options = new MockFalOptions()
                .setManualClock(true)
                .setSeed(42)
                .setLogRequests(false)
                .setStorageDir(SHARED_STORAGE)
                .addApiKey(KEY);
        tweak.accept(options);
        fal = MockFal.start(options);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public MockFal fal() {
        return fal;
    }

    public MockControl control() {
        return fal.control();
    }

    public void advance(double seconds) {
        fal.control().advanceClock(Duration.ofMillis(Math.round(seconds * 1000)));
    }

    /** Submits and returns the request id, checking the envelope is a 200. */
    public String submit(String endpoint, String input) {
        Response r = post("/" + endpoint, input);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("request_id").asText();
    }

    public Response get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    public Response post(String path, String body, String... headers) {
        return send("POST", path, body, headers);
    }

    public Response put(String path, String body, String... headers) {
        return send("PUT", path, body, headers);
    }

    /** Sends with {@code Authorization: Key KEY} unless {@code headers} (name, value pairs) set Authorization itself. */
    public Response send(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fal.baseUrl() + path))
                .timeout(Duration.ofSeconds(20))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        boolean auth = true;
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase("Authorization")) {
                auth = false;
                if (headers[i + 1] == null) {
                    continue;
                }
            }
            b.header(headers[i], headers[i + 1]);
        }
        if (auth) {
            b.header("Authorization", "Key " + KEY);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpClient http() {
        return http;
    }

    public URI uri(String path) {
        return URI.create(fal.baseUrl() + path);
    }

    @Override
    public void close() {
        fal.close();
    }

    /** A finished exchange. */
    public record Response(int status, HttpHeaders headers, String body) {

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }
}
