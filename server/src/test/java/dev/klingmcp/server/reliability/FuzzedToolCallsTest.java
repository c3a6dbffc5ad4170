package dev.klingmcp.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.testing.mcp.JsonRpcSession;
import dev.klingmcp.testing.report.ReliabilityReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Generated fuzzing (seeded, so every failure names a reproducible case; jqwik 1.9.3 needs JUnit Platform 1.x, this build
 * runs JUnit 6) of the seven tools through MCP, the real job service and a mock-fal that counts submit
 * attempts: generated and mutated arguments (wrong types, nulls, huge and control-character strings, unknown and
 * oversized names, hostile URLs and paths) must each get a structured answer, quickly, with a bounded size, and none
 * may reach fal's submit. Every generated {@code generate} call keeps {@code dry_run} true or invalid, so a submit can
 * only come from a validation hole.
 */
@Timeout(1200)
class FuzzedToolCallsTest {

    static final int TRIES = 10_000;
    static final long SEED = 20261126L;
    private static final String KEY = "fuzz-test-id:fuzz-test-secret-97";
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final List<String> TOOLS =
            List.of("generate", "status", "result", "cancel", "list_jobs", "upload", "describe_models");

    /** Calls from another seed before the baseline: the server's code paths are loaded and its heap has grown. */
    static final int WARM_UP = 500;

    static Path dir;
    static MockFal mock;
    static ChildServer server;
    static JsonRpcSession mcp;
    static final AtomicInteger calls = new AtomicInteger();
    static final AtomicInteger errors = new AtomicInteger();
    static final AtomicLong maxResponse = new AtomicLong();
    static final AtomicLong maxMillis = new AtomicLong();
    static long rssAtStart;
    static long heapBefore;
    static long rssBefore;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("kling-fuzz");
        mock = MockFal.start(new MockFalOptions()
                .setManualClock(true)
                .setLogRequests(false)
                .setStorageDir(Files.createDirectories(dir.resolve("mock-storage")))
                .addApiKey(KEY));
        Files.createDirectories(dir.resolve("uploads"));
        server = ChildServer.start(
                dir,
                Map.of(
                        "FAL_KEY",
                        KEY,
                        "KLING_MCP_FAL_BASE_URL",
                        mock.baseUrl(),
                        "KLING_MCP_LEDGER_URL",
                        "jdbc:sqlite:" + dir.resolve("jobs.db"),
                        "KLING_MCP_OUTPUT_DIR",
                        dir.resolve("videos").toString(),
                        "KLING_MCP_UPLOAD_ROOTS",
                        dir.resolve("uploads").toString(),
                        "KLING_MCP_RETRY_MAX_ATTEMPTS",
                        "1"));
        mcp = server.session();
        rssAtStart = server.rssBytes();
        SplittableRandom warmUp = new SplittableRandom(SEED + 1);
        for (int i = 0; i < WARM_UP; i++) {
            mcp.request("tools/call", call(warmUp));
        }
        heapBefore = server.heapAfterGcBytes();
        rssBefore = server.rssBytes();
    }

    @AfterAll
    static void stop() throws Exception {
        long heapAfter = server.heapAfterGcBytes();
        long rssAfter = server.rssBytes();
        long submits = mock.control().submits().values().stream()
                .mapToLong(c -> c.attempts())
                .sum();
        String stderr = server.stderr();
        server.close();
        mock.close();
        ReliabilityReport.section(
                "fuzz",
                "## Fuzz (tool calls)\n\n"
                        + "Command: `mvn -B -pl server -am test -Dtest=FuzzedToolCallsTest -Dsurefire.failIfNoSpecifiedTests=false`"
                        + " (seed " + SEED + ", " + TRIES + " calls after " + WARM_UP + " warm-up calls of seed "
                        + (SEED + 1) + "). The server runs in its own JVM (`kling-mcp serve` over stdio, "
                        + ChildServer.HEAP + ") against mock-fal; memory is the server process's: RSS from"
                        + " /proc/<pid>/status, heap after a full GC from `jcmd <pid> GC.run` + `GC.heap_info`.\n\n"
                        + "| measure | value |\n|---|---|\n"
                        + "| tool calls | " + calls.get() + " |\n"
                        + "| structured answers | " + calls.get() + " (100 %) |\n"
                        + "| of which isError | " + errors.get() + " |\n"
                        + "| submits reaching mock-fal | " + submits + " |\n"
                        + "| largest answer | " + maxResponse.get() + " bytes |\n"
                        + "| slowest call | " + maxMillis.get() + " ms |\n"
                        + "| server heap after GC, after warm-up / after the run | " + mib(heapBefore) + " / "
                        + mib(heapAfter) + " |\n"
                        + "| server RSS at start / after warm-up / after the run | " + mib(rssAtStart) + " / "
                        + mib(rssBefore) + " / " + mib(rssAfter) + " (asserted: after ≤ 2 × after warm-up) |\n");
        assertThat(submits).as("submits reaching fal").isZero();
        assertThat(stderr).as("the key on the server's stderr").doesNotContain("fuzz-test-secret-97");
        assertThat(heapAfter).as("server heap after the run").isLessThan(Math.max(2 * heapBefore, 64L << 20));
        assertThat(rssAfter).as("server RSS after the run").isPositive().isLessThanOrEqualTo(2 * rssBefore);
    }

    @Test
    void everyCallGetsAStructuredBoundedAnswerAndNothingIsSubmitted() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < TRIES; i++) {
            ObjectNode call = call(random);
            long t0 = System.nanoTime();
            JsonNode response = mcp.request("tools/call", call);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            calls.incrementAndGet();
            maxMillis.accumulateAndGet(millis, Math::max);
            int size = response.toString().length();
            maxResponse.accumulateAndGet(size, Math::max);
            String what = "case " + i + " (seed " + SEED + "): " + shorten(call.toString());
            assertThat(size).as(what).isLessThan(64 * 1024);
            if (response.has("error")) {
                // Only a tool name we do not have may be a JSON-RPC error.
                assertThat(response.at("/error/code").isInt()).as(what).isTrue();
                assertThat(TOOLS).as(what).doesNotContain(call.path("name").asText());
                errors.incrementAndGet();
                continue;
            }
            JsonNode result = response.get("result");
            assertThat(result.path("content").isArray()).as(what).isTrue();
            if (result.path("isError").asBoolean()) {
                errors.incrementAndGet();
                assertThat(result.at("/structuredContent/error/code").isTextual())
                        .as(what)
                        .isTrue();
            }
        }
    }

    /** One generated call: a tool (rarely an unknown one), its usual arguments, then 0-5 random mutations. */
    static ObjectNode call(SplittableRandom r) {
        String name = r.nextInt(12) == 0 ? randomText(r, 30) : TOOLS.get(r.nextInt(TOOLS.size()));
        ObjectNode args = base(name);
        int mutations = r.nextInt(6);
        for (int m = 0; m < mutations; m++) {
            String field = name(r);
            if (r.nextInt(5) == 0) {
                args.remove(field);
            } else {
                args.set(field, value(r, 0));
            }
        }
        if (name.equals("generate")) {
            JsonNode dry = args.get("dry_run");
            if (dry == null || (dry.isBoolean() && !dry.asBoolean())) {
                args.put("dry_run", true); // a real submit may only come from a validation hole
            }
        }
        ObjectNode params = F.objectNode().put("name", name);
        params.set("arguments", args);
        return params;
    }

    private static ObjectNode base(String tool) {
        ObjectNode a = F.objectNode();
        switch (tool) {
            case "generate" -> {
                a.put("model", "o3/pro/reference-to-video")
                        .put("prompt", "@Image1 walks")
                        .put("duration", "5");
                a.putArray("image_urls").add("https://example.com/a.png");
                a.put("dry_run", true);
            }
            case "status", "result", "cancel" -> a.put("job_id", "local-00000000-0000-0000-0000-000000000000");
            case "upload" -> a.put("path", "missing.png");
            case "list_jobs" -> a.put("limit", 5);
            default -> {}
        }
        return a;
    }

    private static final List<String> NAMES = List.of(
            "model",
            "prompt",
            "duration",
            "image_urls",
            "image_url",
            "elements",
            "multi_prompt",
            "start_image_url",
            "end_image_url",
            "webhook_url",
            "idempotency_key",
            "wait_seconds",
            "dry_run",
            "job_id",
            "path",
            "since",
            "status",
            "limit",
            "download",
            "preview",
            "include_schema",
            "generate_audio",
            "aspect_ratio",
            "negative_prompt");

    private static final List<String> HOSTILE = List.of(
            "file:///etc/passwd",
            "javascript:alert(1)",
            "http://169.254.169.254/latest",
            "https://10.0.0.1/a.png",
            "https://[::1]/a.png",
            "https://u:p@example.com/a.png",
            "\u0000https://example.com/a.png",
            "https://localhost/a.png",
            "not a url",
            "../../../../etc/passwd",
            "/etc/shadow",
            "local-",
            "kling://jobs/x",
            "2026-13-45",
            "o3/pro/reference-to-video",
            "fal-ai/kling-video/o3/4k/reference-to-video",
            "SUCCEEDED",
            "https://example.com/" + "a".repeat(3000),
            "https://example.com/a.png");

    private static String name(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> randomText(r, 20);
            case 1 -> "n".repeat(201 + r.nextInt(3000));
            default -> NAMES.get(r.nextInt(NAMES.size()));
        };
    }

    private static JsonNode value(SplittableRandom r, int depth) {
        int kind = r.nextInt(depth > 2 ? 5 : 8);
        return switch (kind) {
            case 0 -> List.of(
                            (JsonNode) F.nullNode(),
                            F.booleanNode(true),
                            F.booleanNode(false),
                            F.numberNode(0),
                            F.numberNode(-1),
                            F.numberNode(51),
                            F.numberNode(1e308),
                            F.numberNode(2.5),
                            F.numberNode(Long.MAX_VALUE),
                            F.textNode(""),
                            F.textNode(" "),
                            F.objectNode(),
                            F.arrayNode())
                    .get(r.nextInt(13));
            case 1, 2 -> F.textNode(randomText(r, 80));
            case 3 -> F.textNode("x".repeat(1_000 + r.nextInt(60_000)));
            case 4 -> F.textNode(HOSTILE.get(r.nextInt(HOSTILE.size())));
            case 5, 6 -> {
                ArrayNode a = F.arrayNode();
                for (int i = r.nextInt(5); i > 0; i--) {
                    a.add(value(r, depth + 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = F.objectNode();
                for (int i = r.nextInt(4); i > 0; i--) {
                    o.set(r.nextBoolean() ? name(r) : randomText(r, 12), value(r, depth + 1));
                }
                yield o;
            }
        };
    }

    /** Any code points, control characters and unpaired surrogates included. */
    private static String randomText(SplittableRandom r, int maxLength) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(maxLength + 1); i > 0; i--) {
            b.append((char)
                    (r.nextInt(4) == 0
                            ? r.nextInt(0x20)
                            : r.nextInt(3) == 0 ? r.nextInt(0xFFFF) : 0x20 + r.nextInt(0x5F)));
        }
        return b.toString();
    }

    private static String shorten(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
