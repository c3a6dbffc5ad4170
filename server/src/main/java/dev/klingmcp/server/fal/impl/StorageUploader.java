package dev.klingmcp.server.fal.impl;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.fal.client.ApiException;
import dev.klingmcp.fal.client.api.StorageApi;
import dev.klingmcp.fal.client.model.UploadCompleteRequest;
import dev.klingmcp.fal.client.model.UploadInitiateRequest;
import dev.klingmcp.fal.client.model.UploadInitiateResponse;
import dev.klingmcp.fal.client.model.UploadPartResponse;
import dev.klingmcp.server.fal.CallDeadline;
import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway.UploadedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * fal storage upload as @fal-ai/client 1.10.1 does it: {@code POST /storage/upload/initiate} (generated client, with the
 * key) → {@code PUT upload_url} with the raw bytes (no key: it is a presigned URL). Above {@link #MULTIPART_THRESHOLD}:
 * {@code initiate-multipart}, then each {@link #PART_SIZE} chunk to {@code {upload_url path}/{n}} answering
 * {@code {partNumber, etag}} ({@link #PARTS_IN_FLIGHT} parts at a time), then {@code …/complete} with the list in part
 * order. Bytes are streamed from disk, never held whole.
 */
final class StorageUploader {

    static final long MULTIPART_THRESHOLD = 90L * 1024 * 1024;
    static final long PART_SIZE = 10L * 1024 * 1024;
    /**
     * Parts sent at once. fal's storage joins parts by number, so their order on the wire does not matter; a few in
     * flight keep the connection busy while one part's answer is on its way (one at a time, 1 GiB took ~2x longer than
     * a single PUT on loopback). Memory stays a few {@link FileRegionPublisher#CHUNK} buffers per part.
     */
    static final int PARTS_IN_FLIGHT = 4;

    private static final String STORAGE_TYPE = "fal-cdn-v3";

    private final StorageApi storage;
    private final HttpClient http;
    private final FalErrors errors;
    private final FalRetries retries;
    private final ObjectMapper mapper;
    private final Duration transferTimeout;
    private final long multipartThreshold;
    private final long partSize;
    private final int partsInFlight;

    StorageUploader(
            StorageApi storage,
            HttpClient http,
            FalErrors errors,
            FalRetries retries,
            ObjectMapper mapper,
            Duration transferTimeout,
            long multipartThreshold,
            long partSize,
            int partsInFlight) {
        this.storage = storage;
        this.http = http;
        this.errors = errors;
        this.retries = retries;
        this.mapper = mapper;
        this.transferTimeout = transferTimeout;
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
        this.partsInFlight = Math.max(1, partsInFlight);
    }

    UploadedFile upload(Path file, String contentType, String fileName) {
        long size = size(file);
        UploadInitiateRequest request =
                new UploadInitiateRequest().contentType(contentType).fileName(fileName);
        if (size <= multipartThreshold) {
            UploadInitiateResponse target = retries.idempotent(
                    () -> call("storage initiate", () -> storage.initiateUpload(request, STORAGE_TYPE)));
            retries.idempotent(() -> put(
                    "storage upload",
                    URI.create(target.getUploadUrl()),
                    contentType,
                    new FileRegionPublisher(file, 0, size)));
            return new UploadedFile(target.getFileUrl(), 1);
        }
        UploadInitiateResponse target = retries.idempotent(
                () -> call("storage initiate multipart", () -> storage.initiateMultipartUpload(request, STORAGE_TYPE)));
        URI base = URI.create(target.getUploadUrl());
        int count = (int) ((size + partSize - 1) / partSize);
        List<UploadPartResponse> parts = putParts(file, contentType, base, size, count);
        URI complete = withPathSuffix(base, "/complete");
        String body = json(new UploadCompleteRequest().parts(parts));
        retries.idempotent(() -> send(
                "storage complete",
                HttpRequest.newBuilder(complete)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")));
        return new UploadedFile(target.getFileUrl(), count);
    }

    /**
     * Sends the parts, {@link #partsInFlight} at a time (each with its own retries), and lists their receipts in part
     * order. One part that still fails after its retries fails the upload: the parts still in flight are stopped and
     * {@code complete} is never sent, so fal never assembles a file with a hole in it.
     */
    private List<UploadPartResponse> putParts(Path file, String contentType, URI base, long size, int count) {
        UploadPartResponse[] receipts = new UploadPartResponse[count];
        // The workers keep the tool call's deadline: their retries stop when the caller's answer is due.
        CallDeadline deadline = CallDeadline.current();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(partsInFlight, count), r -> {
            Thread t = new Thread(r, "fal-upload-part-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        CompletionService<Integer> done = new ExecutorCompletionService<>(pool);
        try {
            for (int n = 1; n <= count; n++) {
                int part = n;
                long offset = (n - 1) * partSize;
                long length = Math.min(partSize, size - offset);
                URI partUri = withPathSuffix(base, "/" + n);
                Supplier<UploadPartResponse> send = () -> readPart(
                        retries.idempotent(() -> put(
                                "storage part " + part,
                                partUri,
                                contentType,
                                new FileRegionPublisher(file, offset, length))),
                        part);
                done.submit(() -> {
                    receipts[part - 1] = deadline == null ? send.get() : deadline.run(send);
                    return part;
                });
            }
            for (int i = 0; i < count; i++) {
                done.take().get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("storage part failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw errors.transport("storage part", e);
        } finally {
            pool.shutdownNow();
        }
        return List.of(receipts);
    }

    /** {@code {origin}{pathname}{suffix}{search}}, exactly as the JS client builds part and complete URLs. */
    static URI withPathSuffix(URI base, String suffix) {
        String s = base.toString();
        int q = s.indexOf('?');
        return URI.create(q < 0 ? s + suffix : s.substring(0, q) + suffix + s.substring(q));
    }

    private interface ApiCall<T> {
        T run() throws ApiException;
    }

    private <T> T call(String operation, ApiCall<T> call) {
        try {
            return call.run();
        } catch (ApiException e) {
            throw errors.from(operation, e);
        }
    }

    private String put(String operation, URI uri, String contentType, HttpRequest.BodyPublisher body) {
        return send(operation, HttpRequest.newBuilder(uri).PUT(body).header("Content-Type", contentType));
    }

    // Deliberately no FalAuth here: upload targets are presigned URLs and never get the key.
    private String send(String operation, HttpRequest.Builder b) {
        try {
            HttpResponse<String> r =
                    http.send(b.timeout(transferTimeout).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw errors.http(operation, r.statusCode(), r.headers(), r.body());
            }
            return r.body();
        } catch (IOException | InterruptedException e) {
            throw errors.transport(operation, e);
        }
    }

    private UploadPartResponse readPart(String answer, int n) {
        try {
            UploadPartResponse part = mapper.readValue(answer, UploadPartResponse.class);
            if (part.getEtag() == null) {
                throw FalException.decoding("storage part " + n + ": the answer has no etag");
            }
            return part.partNumber(part.getPartNumber() == null ? n : part.getPartNumber());
        } catch (IOException e) {
            throw FalException.decoding("storage part " + n + ": the answer is not {partNumber, etag}");
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
