package dev.klingmcp.server.fal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every HTTP exchange with fal (or a mock of it): queue submit / status / SSE stream / result / cancel, storage upload, and
 * output download. Failures are {@link FalException}s whose messages never contain the key.
 *
 * <p>The key is attached only to requests whose origin is one of the configured fal bases; downloads and presigned upload
 * URLs never carry it, and no method takes a URL that an agent typed in.
 */
public interface FalGateway extends AutoCloseable {

    /**
     * POSTs the input to the endpoint's queue. Retried only when fal certainly did not accept it (429, connection refused,
     * an ingress 502/503/504 without {@code x-fal-request-id}); any other failure is thrown and the caller must treat the
     * job as possibly submitted.
     */
    FalStatus submit(FalEndpoint endpoint, ObjectNode input, String webhookUrl);

    /** One status read (fal answers 202 while queued/running, 200 when completed). */
    FalStatus status(FalEndpoint endpoint, String requestId, boolean logs);

    /**
     * Follows {@code …/status/stream} for at most {@code maxWait}, passing every event to {@code listener}; reconnects when
     * the stream stalls or ends early. Returns {@link StreamEnd#COMPLETED} after the COMPLETED event, else
     * {@link StreamEnd#DEADLINE}.
     */
    default StreamEnd streamStatus(
            FalEndpoint endpoint, String requestId, Duration maxWait, Consumer<FalStatus> listener) {
        return streamStatus(endpoint, requestId, maxWait, listener, () -> false);
    }

    /**
     * As {@link #streamStatus(FalEndpoint, String, Duration, Consumer)}, and also ends (with {@link StreamEnd#DEADLINE},
     * within about a second) once {@code stop} says so: for a follower that outlives any one caller and stops when
     * nobody waits any more.
     */
    StreamEnd streamStatus(
            FalEndpoint endpoint,
            String requestId,
            Duration maxWait,
            Consumer<FalStatus> listener,
            java.util.function.BooleanSupplier stop);

    /** The output of a completed request; a model error (e.g. 422 {@code detail}) is a {@link FalException}. */
    FalOutput result(FalEndpoint endpoint, String requestId);

    FalCancel cancel(FalEndpoint endpoint, String requestId);

    /** Uploads a local file to fal storage (one PUT, or 10 MiB parts above 90 MiB) and returns its public URL. */
    UploadedFile upload(Path file, String contentType, String fileName);

    /**
     * Streams {@code url} (an output URL fal returned) to {@code target} (written via a temporary file, moved into place
     * when complete) and returns its size and sha256. Sent without the key.
     */
    DownloadedFile download(String url, Path target);

    /**
     * The JSON body {@link #submit} sends for {@code input} (the generated client fills declared defaults): what fal
     * stores as the request's input and what its history is searched for.
     */
    default JsonNode sentBody(FalEndpoint endpoint, ObjectNode input) {
        return input;
    }

    /**
     * The requests fal's request history lists for {@code endpoint} sent from {@code since} on, with the inputs fal
     * stored (every page read, at most {@code maxItems}). How a job whose submit answer was lost is found again.
     */
    default List<SentRequest> requestsSince(FalEndpoint endpoint, java.time.Instant since, int maxItems) {
        throw FalException.protocol("this gateway cannot read fal's request history");
    }

    @Override
    void close();

    /**
     * One request as fal's history lists it.
     *
     * @param input the input fal stored; null when fal keeps none (payload storage off, deleted, or older than 30 days)
     */
    record SentRequest(
            String requestId,
            java.time.Instant sentAt,
            java.time.Instant startedAt,
            Integer statusCode,
            JsonNode input) {}

    enum StreamEnd {
        COMPLETED,
        DEADLINE
    }

    enum FalCancel {
        CANCELLATION_REQUESTED,
        ALREADY_COMPLETED,
        NOT_FOUND
    }

    /**
     * A file stored on fal.
     *
     * @param url   public URL
     * @param parts 1 for a single PUT, else the multipart part count
     */
    record UploadedFile(String url, int parts) {}

    /**
     * A file saved on this machine.
     *
     * @param path   where it is
     * @param size   bytes
     * @param sha256 hex digest
     */
    record DownloadedFile(Path path, long size, String sha256) {}
}
