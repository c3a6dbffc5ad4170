package dev.klingmcp.contract.fal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.contract.openapi.RecordedExchange;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code fal.storage.upload} from fal's JS client: a small file (single presigned PUT) and one over the client's
 * 90 MiB threshold (multipart in 10 MiB parts), each downloaded back from the returned URL and compared by SHA-256.
 */
class FalClientStorageTest {

    private static final long MIB = 1024 * 1024;
    /** Just over the client's 90 MiB multipart threshold, and not a multiple of its 10 MiB part size. */
    private static final long LARGE = 95 * MIB + 12_345;

    @RegisterExtension
    static final FalClientBench bench = FalClientBench.fast();

    private static JsonNode upload(long size, String type, String name) {
        return bench.script("upload.mjs")
                .arg("size", size)
                .arg("type", type)
                .arg("name", name)
                .timeout(Duration.ofMinutes(2))
                .run();
    }

    private static void assertServedBack(JsonNode out, long size, String type) {
        assertThat(out.path("fileUrl").asText()).startsWith(bench.baseUrl() + "/");
        assertThat(out.path("servedStatus").asInt()).isEqualTo(200);
        assertThat(out.path("servedContentType").asText()).startsWith(type);
        assertThat(out.path("size").asLong()).isEqualTo(size);
        assertThat(out.path("servedSize").asLong()).isEqualTo(size);
        assertThat(out.path("sha256Served").asText())
                .hasSize(64)
                .isEqualTo(out.path("sha256Sent").asText());
    }

    @Test
    void smallFileGoesUpInOnePutAndComesBackIdentical() {
        int before = bench.exchanges().size();
        JsonNode out = upload(4096 + 7, "image/png", "small.png");

        assertServedBack(out, 4096 + 7, "image/png");
        List<RecordedExchange> calls =
                bench.exchanges().subList(before, bench.exchanges().size());
        assertThat(calls).anySatisfy(call -> assertThat(call.path()).isEqualTo("/storage/upload/initiate"));
        assertThat(calls).noneSatisfy(call -> assertThat(call.path()).contains("multipart"));
    }

    @Test
    void fileOver90MiBGoesUpInPartsAndComesBackIdentical() {
        int before = bench.exchanges().size();
        JsonNode out = upload(LARGE, "application/octet-stream", "large.bin");

        assertServedBack(out, LARGE, "application/octet-stream");
        List<RecordedExchange> calls =
                bench.exchanges().subList(before, bench.exchanges().size());
        assertThat(calls).anySatisfy(call -> assertThat(call.path()).isEqualTo("/storage/upload/initiate-multipart"));
        long parts = calls.stream()
                .filter(call -> call.method().equals("PUT") && call.path().matches(".*/\\d+"))
                .count();
        assertThat(parts).isEqualTo((LARGE + 10 * MIB - 1) / (10 * MIB));
        assertThat(calls).anySatisfy(call -> assertThat(call.path()).endsWith("/complete"));
    }
}
