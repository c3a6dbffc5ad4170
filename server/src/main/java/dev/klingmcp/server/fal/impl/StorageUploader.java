package dev.klingmcp.server.fal.impl;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.fal.client.ApiException;
import dev.klingmcp.fal.client.api.StorageApi;
import dev.klingmcp.fal.client.model.UploadCompleteRequest;
import dev.klingmcp.fal.client.model.UploadInitiateRequest;
import dev.klingmcp.fal.client.model.UploadInitiateResponse;
import dev.klingmcp.fal.client.model.UploadPartResponse;
import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * fal storage upload as @fal-ai/client 1.10.1 does it: {@code POST /storage/upload/initiate} (generated client, with the
 * key) → {@code PUT upload_url} with the raw bytes (no key: it is a presigned URL). Above {@link #MULTIPART_THRESHOLD}:
 * {@code initiate-multipart}, then each {@link #PART_SIZE} chunk to {@code {upload_url path}/{n}} answering
 * {@code {partNumber, etag}}, then {@code …/complete} with the list. Bytes are streamed from disk, never held whole.
 */
final class StorageUploader {

    static final long MULTIPART_THRESHOLD = 90L * 1024 * 1024;
    static final long PART_SIZE = 10L * 1024 * 1024;
    private static final String STORAGE_TYPE = "fal-cdn-v3";

    private final StorageApi storage;
    private final HttpClient http;
    private final FalErrors errors;
    private final FalRetries retries;
    private final ObjectMapper mapper;
    private final Duration transferTimeout;
    private final long multipartThreshold;
    private final long partSize;

    StorageUploader(
            StorageApi storage,
            HttpClient http,
            FalErrors errors,
            FalRetries retries,
            ObjectMapper mapper,
            Duration transferTimeout,
            long multipartThreshold,
            long partSize) {
        this.storage = storage;
        this.http = http;
        this.errors = errors;
        this.retries = retries;
        this.mapper = mapper;
        this.transferTimeout = transferTimeout;
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
    }

    UploadedFile upload(Path file, String contentType, String fileName) {
        long size = size(file);
        UploadInitiateRequest request =
                new UploadInitiateRequest().contentType(contentType).fileName(fileName);
        if (size <= multipartThreshold) {
            UploadInitiateResponse target = retries.idempotent(
                    () -> call("storage initiate", () -> storage.initiateUpload(request, STORAGE_TYPE)));
            retries.idempotent(() ->
                    put("storage upload", URI.create(target.getUploadUrl()), contentType, publisher(file, 0, size)));
            return new UploadedFile(target.getFileUrl(), 1);
        }
        UploadInitiateResponse target = retries.idempotent(
                () -> call("storage initiate multipart", () -> storage.initiateMultipartUpload(request, STORAGE_TYPE)));
        URI base = URI.create(target.getUploadUrl());
        List<UploadPartResponse> parts = new ArrayList<>();
        int count = (int) ((size + partSize - 1) / partSize);
        for (int n = 1; n <= count; n++) {
            long offset = (n - 1) * partSize;
            long length = Math.min(partSize, size - offset);
            URI partUri = withPathSuffix(base, "/" + n);
            String answer = retries.idempotent(
                    () -> put("storage part", partUri, contentType, publisher(file, offset, length)));
            parts.add(readPart(answer, n));
        }
        URI complete = withPathSuffix(base, "/complete");
        String body = json(new UploadCompleteRequest().parts(parts));
        retries.idempotent(() -> send(
                "storage complete",
                HttpRequest.newBuilder(complete)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")));
        return new UploadedFile(target.getFileUrl(), count);
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

    /** Streams {@code length} bytes of {@code file} from {@code offset}; re-openable, so a retried PUT resends them. */
    private static HttpRequest.BodyPublisher publisher(Path file, long offset, long length) {
        return HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                        ch.position(offset);
                        InputStream in = Channels.newInputStream(ch);
                        return new BoundedInputStream(in, length);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }),
                length);
    }

    /** Reads at most {@code limit} bytes, then reports end of stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(buf, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
