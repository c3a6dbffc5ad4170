package dev.klingmcp.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A small fal queue client on nothing but {@code java.net.http} and Jackson, of the kind people write by hand: submit
 * (retrying a 429 after its {@code Retry-After}), poll the status, fetch the result, cancel. It follows the URLs fal
 * returns with the submit, so it works against fal ({@code https://queue.fal.run}) and mock-fal alike.
 */
public final class PlainFalClient {

    /** What a submit returns: the request id and where to look for it. */
    public record Submitted(String requestId, URI statusUrl, URI responseUrl, URI cancelUrl) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ATTEMPTS = 4;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final String queueBase;
    private final String key;
    private final Sleeper sleeper;

    /**
     * @param queueBase {@code https://queue.fal.run}, or a mock's base URL
     * @param key       the fal key, sent as {@code Authorization: Key <key>}
     */
    public PlainFalClient(String queueBase, String key, Sleeper sleeper) {
        this.queueBase = queueBase.replaceAll("/+$", "");
        this.key = key;
        this.sleeper = sleeper;
    }

    /** Submits; a 429 is retried after the seconds of its {@code Retry-After}, at most {@value #MAX_ATTEMPTS} tries. */
    public Submitted submit(String endpointId, JsonNode input) throws InterruptedException {
        HttpRequest request = authorised(URI.create(queueBase + "/" + endpointId))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(input.toString()))
                .build();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = send(request);
            if (response.statusCode() == 429 && attempt < MAX_ATTEMPTS) {
                long seconds = response.headers()
                        .firstValue("Retry-After")
                        .map(Long::parseLong)
                        .orElse(1L);
                sleeper.sleep(Duration.ofSeconds(seconds));
                continue;
            }
            JsonNode body = expect(response, 200);
            return new Submitted(
                    body.get("request_id").asText(),
                    URI.create(body.get("status_url").asText()),
                    URI.create(body.get("response_url").asText()),
                    URI.create(body.get("cancel_url").asText()));
        }
    }

    /** fal's status: {@code IN_QUEUE}, {@code IN_PROGRESS} or {@code COMPLETED}, with the logs. */
    public JsonNode status(Submitted job) {
        HttpResponse<String> response =
                send(authorised(URI.create(job.statusUrl() + "?logs=1")).GET().build());
        return expect(response, response.statusCode() == 202 ? 202 : 200);
    }

    /** Polls until COMPLETED, or fails after {@code timeout} of real time. */
    public JsonNode awaitCompleted(Submitted job, Duration timeout, Duration every)
            throws InterruptedException, TimeoutException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            JsonNode status = status(job);
            if ("COMPLETED".equals(status.path("status").asText())) {
                return status;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new TimeoutException("request " + job.requestId() + " still "
                        + status.path("status").asText() + " after " + timeout);
            }
            sleeper.sleep(every);
        }
    }

    /** The model's output; a refused input throws {@link FalCallException} listing the fields. */
    public JsonNode result(Submitted job) {
        return expect(send(authorised(job.responseUrl()).GET().build()), 200);
    }

    /** {@code CANCELLATION_REQUESTED}, {@code ALREADY_COMPLETED} or {@code NOT_FOUND}. */
    public String cancel(Submitted job) {
        HttpResponse<String> response = send(authorised(job.cancelUrl())
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build());
        return parse(response).path("status").asText();
    }

    private HttpRequest.Builder authorised(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Authorization", "Key " + key);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode expect(HttpResponse<String> response, int status) {
        if (response.statusCode() == status) {
            return parse(response);
        }
        List<FieldError> fields = new ArrayList<>();
        JsonNode detail = response.statusCode() == 422 ? parse(response).path("detail") : JSON.missingNode();
        for (JsonNode d : detail) {
            StringBuilder field = new StringBuilder();
            JsonNode loc = d.path("loc");
            for (int i = 1; i < loc.size(); i++) { // loc[0] is fal's "body"
                if (loc.get(i).isInt()) {
                    field.append('[').append(loc.get(i).asInt()).append(']');
                } else {
                    field.append(field.length() == 0 ? "" : ".")
                            .append(loc.get(i).asText());
                }
            }
            fields.add(new FieldError(
                    field.toString(), d.path("msg").asText(), d.path("type").asText()));
        }
        throw new FalCallException(
                response.statusCode(), "fal answered " + response.statusCode() + ": " + response.body(), fields);
    }

    private static JsonNode parse(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new FalCallException(response.statusCode(), "not JSON: " + response.body(), List.of());
        }
    }
}
