package dev.klingmcp.mock.storage;

import static dev.klingmcp.mock.storage.StorageClient.derive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.mock.media.LocalServer;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark, not a test: uploads a big file through the single-PUT and the multipart flow into an in-process mock and
 * reports MiB/s and the peak heap the whole JVM (client and server) used. Run it with a small heap to show the bytes are
 * streamed: {@code JAVA_OPTS=-Xmx32m bench/run upload 300} (MiB).
 */
public final class UploadBench {

    private UploadBench() {}

    public static void main(String[] args) throws Exception {
        long mebibytes = args.length > 0 ? Long.parseLong(args[0]) : 300;
        Path work = Files.createTempDirectory("upload-bench");
        Path source = work.resolve("source.bin");
        try (var out = Files.newOutputStream(source)) {
            byte[] block = new byte[1 << 20];
            for (long i = 0; i < mebibytes; i++) {
                Arrays.fill(block, (byte) i);
                out.write(block);
            }
        }
        Vertx vertx = Vertx.vertx();
        LocalServer.LateBaseUrl lateUrl = new LocalServer.LateBaseUrl();
        StorageService storage = new StorageService(
                vertx, StorageOptions.defaults(work.resolve("store")).withMaxFileBytes(4L << 30), lateUrl);
        try (LocalServer server = LocalServer.start(vertx, lateUrl, router -> StorageRoutes.mount(router, storage))) {
            StorageClient client = new StorageClient(server);
            resetPeaks();
            long start = System.nanoTime();
            String single = client.initiate("application/octet-stream", "single.bin", false)
                    .get("upload_url")
                    .asText();
            int status = server.send(server.request(single).PUT(BodyPublishers.ofFile(source)))
                    .statusCode();
            report("single PUT", status, mebibytes, start);

            resetPeaks();
            start = System.nanoTime();
            JsonNode ticket = client.initiate("application/octet-stream", "multi.bin", true);
            String uploadUrl = ticket.get("upload_url").asText();
            List<String> parts = new ArrayList<>();
            long size = Files.size(source);
            long part = 10L << 20;
            for (int n = 1; (n - 1) * part < size; n++) {
                long offset = (n - 1) * part;
                long length = Math.min(part, size - offset);
                // Streams each part from the file, so the client side holds no part in memory either.
                HttpResponse<byte[]> put = server.send(server.request(derive(uploadUrl, Integer.toString(n)))
                        .PUT(BodyPublishers.fromPublisher(
                                BodyPublishers.ofInputStream(() -> slice(source, offset, length)), length)));
                parts.add(StorageClient.json(put).toString());
            }
            status = client.complete(uploadUrl, parts.toString()).statusCode();
            report("multipart (" + parts.size() + " parts) + complete", status, mebibytes, start);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            storage.reset();
            Files.deleteIfExists(source);
        }
    }

    private static InputStream slice(Path file, long offset, long length) {
        try {
            InputStream in = Files.newInputStream(file);
            in.skipNBytes(offset);
            return new java.io.FilterInputStream(in) {
                private long left = length;

                @Override
                public int read() throws java.io.IOException {
                    return left-- > 0 ? super.read() : -1;
                }

                @Override
                public int read(byte[] buffer, int from, int count) throws java.io.IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int read = super.read(buffer, from, (int) Math.min(count, left));
                    left -= Math.max(read, 0);
                    return read;
                }
            };
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void report(String what, int status, long mebibytes, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long peakHeap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed())
                .sum();
        System.out.printf(
                "%-32s HTTP %d  %d MiB in %.2f s = %.0f MiB/s  peak heap %d MiB (max %d MiB)%n",
                what,
                status,
                mebibytes,
                seconds,
                mebibytes / seconds,
                peakHeap >> 20,
                Runtime.getRuntime().maxMemory() >> 20);
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }
}
