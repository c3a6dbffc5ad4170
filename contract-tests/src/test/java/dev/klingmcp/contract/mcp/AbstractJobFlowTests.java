package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.queue.JobSnapshot;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.testing.video.Mp4Probe;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The happy paths through a real MCP client: for every rule-valid seed example of the three models,
 * {@code generate} → {@code status} following the job with progress → {@code result} with download → an MP4 of the
 * asked duration; plus {@code dry_run}, {@code cancel}, {@code list_jobs}, {@code upload}, and the job resource.
 */
abstract class AbstractJobFlowTests extends McpContractSuite {

    static final List<String> TOOLS =
            List.of("generate", "status", "result", "cancel", "list_jobs", "upload", "describe_models");

    static Stream<SeedInputs> validSeeds() {
        return SeedInputs.ruleValid().stream();
    }

    @Test
    @Order(1)
    void toolsListDescribesEveryToolWithInputAndOutputSchemas() {
        List<Tool> tools = mcp.tools();
        assertThat(tools).extracting(Tool::name).containsAll(TOOLS);
        OutputSchemaCheck compiles = new OutputSchemaCheck(tools);
        for (Tool tool : tools) {
            assertThat(tool.description()).as("%s description", tool.name()).isNotBlank();
            assertThat(tool.inputSchema()).as("%s inputSchema", tool.name()).containsEntry("type", "object");
            assertThat(tool.outputSchema())
                    .as("%s outputSchema", tool.name())
                    .isNotNull()
                    .isNotEmpty();
            assertThat(compiles.problems(ToolCall.of(
                            tool.name(),
                            Map.of(),
                            io.modelcontextprotocol.spec.McpSchema.CallToolResult.builder()
                                    .structuredContent(Map.of())
                                    .build())))
                    .as("%s outputSchema compiles and is not trivially empty-accepting", tool.name())
                    .isNotEmpty();
        }
    }

    @Test
    void seedExamplesCoverAllThreeModels() {
        assertThat(validSeeds().map(SeedInputs::model).distinct())
                .containsExactlyInAnyOrderElementsOf(FalEndpoints.load().all().stream()
                        .map(FalEndpoint::shortName)
                        .toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validSeeds")
    void generateThenStatusWithProgressThenResultDownloadsTheAskedVideo(SeedInputs seed) throws Exception {
        long before = submitAttempts();
        ToolCall generated = generate(args(seed.generateArguments()));
        String jobId = generated.at("/job_id").asText();
        assertThat(submitAttempts()).as("one submit reached fal").isEqualTo(before + 1);
        JobSnapshot atFal = clock.job(jobId);
        assertThat(atFal.endpointId())
                .isEqualTo(FalEndpoints.load().require(seed.model()).id());
        assertThat(generated.at("/estimate/usd").asDouble()).isPositive();

        ToolCall status = followWithProgress(jobId);
        assertThat(status.at("/job/status").asText()).as("%s", status).isEqualTo("SUCCEEDED");
        assertThat(status.at("/finished").asBoolean()).isTrue();
        assertThat(recorder.logs())
                .as("fal's log lines arrive as MCP logging notifications")
                .anySatisfy(l -> assertThat(l.data()).contains(jobId));

        ToolCall result = mcp.call("result", Map.of("job_id", jobId, "download", true));
        assertThat(result.isError()).as("%s", result).isFalse();
        assertThat(result.at("/outcome").asText()).isEqualTo("READY");
        assertThat(result.at("/video/url").asText()).startsWith(contract.baseUrl());
        assertThat(result.resourceLinks()).as("resource_link to the video").isNotEmpty();
        Path saved = Path.of(result.at("/download/path").asText());
        assertThat(saved).isRegularFile().startsWith(setup.outputDir());
        assertThat(result.at("/download/size").asLong()).isEqualTo(Files.size(saved));
        assertThat(result.at("/download/sha256").asText()).isEqualToIgnoringCase(sha256(saved));
        Mp4Probe video = Mp4Probe.of(saved);
        assertThat(video.decodedFrames()).isPositive();
        assertThat(video.durationSeconds()).as("duration of %s", saved).isCloseTo(seed.requestedSeconds(), within(0.5));
    }

    /** {@code status} with {@code wait_seconds} while the mock's clock runs the job to completion step by step. */
    ToolCall followWithProgress(String jobId) throws Exception {
        String token = "progress-" + UUID.randomUUID();
        CompletableFuture<ToolCall> waiting = CompletableFuture.supplyAsync(
                () -> mcp.call("status", Map.of("job_id", jobId, "wait_seconds", 45), token));
        ClockDriver.pace(() -> !recorder.progress(token).isEmpty());
        clock.complete(jobId, () -> recorder.progress(token).size());
        ToolCall status = waiting.get(60, TimeUnit.SECONDS);
        List<Double> values = recorder.progress(token).stream()
                .map(ProgressNotification::progress)
                .toList();
        assertThat(values).as("progress notifications for %s", jobId).hasSizeGreaterThanOrEqualTo(3);
        // The SDK's sync client hands each notification to its consumer on a boundedElastic thread, so the order they
        // reach this list is not the wire order (nor is every one of them there yet when the result arrives). What can
        // be checked here: every value is new (strictly increasing once sorted). The wire order itself is
        // ProgressReporter's job and is unit-tested there, with two threads reporting at once.
        List<Double> sorted = values.stream().sorted().toList();
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(sorted.get(i))
                    .as("progress values are all distinct: %s", values)
                    .isGreaterThan(sorted.get(i - 1));
        }
        return status;
    }

    @Test
    void dryRunPricesEverySeedExampleAndSubmitsNothing() {
        long before = submitAttempts();
        int jobsBefore = mock.control().jobs().size();
        for (SeedInputs seed : SeedInputs.ruleValid()) {
            ObjectNode arguments = seed.generateArguments().put("dry_run", true);
            ToolCall call = generate(args(arguments));
            FalEndpoint endpoint = FalEndpoints.load().require(seed.model());
            boolean audio = seed.input().path("generate_audio").asBoolean(false);
            double rate = audio
                    ? endpoint.pricing().usdPerSecondAudioOn()
                    : endpoint.pricing().usdPerSecondAudioOff();
            assertThat(call.at("/dry_run").asBoolean()).isTrue();
            assertThat(call.at("/job_id").isNull() || call.at("/job_id").isMissingNode())
                    .as("%s", call)
                    .isTrue();
            assertThat(call.at("/estimate/usd_per_second").asDouble())
                    .as("%s rate", seed)
                    .isEqualTo(rate);
            assertThat(call.at("/estimate/seconds").asInt())
                    .as("%s seconds", seed)
                    .isEqualTo(seed.requestedSeconds());
            assertThat(call.at("/estimate/usd").asDouble())
                    .as("%s usd", seed)
                    .isCloseTo(seed.requestedSeconds() * rate, within(0.006));
            assertThat(call.at("/estimate/basis").asText()).isNotBlank();
        }
        assertThat(submitAttempts())
                .as("submits seen by mock-fal during dry runs")
                .isEqualTo(before);
        assertThat(mock.control().jobs()).hasSize(jobsBefore);
    }

    @Test
    void cancelAQueuedJobThenACompletedOneThenAnUnknownOne() {
        String queued = generate(args(standardInput())).at("/job_id").asText();
        assertThat(clock.job(queued).status().name()).isEqualTo("IN_QUEUE");
        ToolCall cancelled = mcp.call("cancel", Map.of("job_id", queued));
        assertThat(cancelled.at("/outcome").asText()).as("%s", cancelled).isEqualTo("CANCELLATION_REQUESTED");
        assertThat(clock.job(queued).cancelled())
                .as("mock-fal received the cancel")
                .isTrue();
        ToolCall after = mcp.call("status", Map.of("job_id", queued));
        assertThat(after.at("/job/status").asText()).as("%s", after).isEqualTo("CANCELLED");

        String done = generate(args(standardInput())).at("/job_id").asText();
        clock.complete(done);
        ToolCall late = mcp.call("cancel", Map.of("job_id", done));
        assertThat(late.at("/outcome").asText()).as("%s", late).isEqualTo("ALREADY_COMPLETED");

        ToolCall unknown = mcp.call("cancel", Map.of("job_id", UUID.randomUUID().toString()));
        assertThat(unknown.at("/outcome").asText() + unknown.at("/error/code").asText())
                .as("%s", unknown)
                .containsAnyOf("NOT_FOUND", "not_found");
    }

    @Test
    void listJobsFiltersByStatusModelAndSinceWithTotals() {
        String since = java.time.Instant.now().minusSeconds(1).toString();
        String pro = generate(args(SeedInputs.ruleValid().stream()
                        .filter(s -> s.model().equals("o3/pro/reference-to-video"))
                        .findFirst()
                        .orElseThrow()
                        .generateArguments()))
                .at("/job_id")
                .asText();
        String standard = generate(args(standardInput())).at("/job_id").asText();
        clock.complete(standard);
        mcp.call("status", Map.of("job_id", standard));

        ToolCall all = mcp.call("list_jobs", Map.of("since", since));
        assertThat(all.isError()).as("%s", all).isFalse();
        assertThat(all.at("/jobs").findValuesAsText("job_id"))
                .as("newest first")
                .containsSubsequence(standard, pro);
        assertThat(all.at("/totals/count").asInt()).isEqualTo(all.at("/jobs").size());
        double sum = 0;
        for (JsonNode job : all.at("/jobs")) {
            sum += job.at("/estimate/usd").asDouble();
        }
        assertThat(all.at("/totals/estimated_usd").asDouble()).isCloseTo(sum, within(0.011));

        ToolCall succeeded = mcp.call("list_jobs", Map.of("status", "SUCCEEDED", "since", since));
        assertThat(succeeded.at("/jobs").findValuesAsText("job_id"))
                .contains(standard)
                .doesNotContain(pro);
        assertThat(succeeded.at("/jobs").findValuesAsText("status")).containsOnly("SUCCEEDED");
        assertThat(succeeded.at("/totals/succeeded_usd").asDouble()).isPositive();

        ToolCall byModel = mcp.call("list_jobs", Map.of("model", "o3/pro/reference-to-video", "since", since));
        assertThat(byModel.at("/jobs").findValuesAsText("job_id")).contains(pro).doesNotContain(standard);
        assertThat(byModel.at("/jobs").findValuesAsText("model"))
                .containsOnly(
                        FalEndpoints.load().require("o3/pro/reference-to-video").id());

        ToolCall future = mcp.call(
                "list_jobs",
                Map.of("since", java.time.Instant.now().plusSeconds(3600).toString()));
        assertThat(future.at("/totals/count").asInt()).isZero();
        clock.complete(pro);
    }

    @Test
    void uploadALocalImageThenGenerateFromItsUrl() throws Exception {
        Path image = TestImages.png(setup.workDir().resolve("start-frame.png"));
        ToolCall upload = mcp.call("upload", Map.of("path", image.toString()));
        assertThat(upload.isError()).as("%s", upload).isFalse();
        String url = upload.at("/url").asText();
        assertThat(url).startsWith(contract.baseUrl());
        assertThat(upload.at("/size").asLong()).isEqualTo(Files.size(image));
        assertThat(TestImages.fetch(url)).as("bytes served at the storage URL").isEqualTo(Files.readAllBytes(image));

        ObjectNode input = standardInput().put("image_url", url);
        String jobId = generate(args(input)).at("/job_id").asText();
        assertThat(clock.job(jobId).input().path("image_url").asText()).isEqualTo(url);
        clock.complete(jobId);
        ToolCall result = mcp.call("result", Map.of("job_id", jobId));
        assertThat(result.at("/outcome").asText()).as("%s", result).isEqualTo("READY");

        Path outside = TestImages.png(root.resolve("outside-the-upload-root.png"));
        ToolCall refused = mcp.call("upload", Map.of("path", outside.toString()));
        assertThat(refused.isError())
                .as("a file outside the upload roots: %s", refused)
                .isTrue();
    }

    @Test
    void jobResourceCanBeReadAndSubscribedWhileTheJobRuns() throws Exception {
        String jobId = generate(args(standardInput())).at("/job_id").asText();
        String uri = "kling://jobs/" + jobId;
        var read = mcp.read(uri);
        assertThat(read.contents()).singleElement().isInstanceOf(TextResourceContents.class);
        JsonNode body =
                ToolCall.JSON.readTree(((TextResourceContents) read.contents().get(0)).text());
        assertThat(body.findValuesAsText("job_id")).contains(jobId);

        mcp.subscribe(uri);
        followWithProgress(jobId);
        ClockDriver.pace(() -> recorder.resourceUpdates().contains(uri));
        assertThat(recorder.resourceUpdates())
                .as("resources/updated for the subscribed job")
                .contains(uri);
    }

    /** Seed 002's example: the cheapest model, a 5 s job. */
    static ObjectNode standardInput() {
        return SeedInputs.ruleValid().stream()
                .filter(s -> s.model().equals("o3/standard/image-to-video"))
                .findFirst()
                .orElseThrow()
                .generateArguments();
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /**
     * Every tool answered at least one call of this suite successfully, each such answer holds what the tool's published
     * outputSchema says a success always has, and the check bites: the same answer without any one of those fields (or
     * of its job's) is refused by the independent validator.
     */
    @Test
    @Order(LAST)
    void everyToolsSuccessHoldsWhatItsOutputSchemaRequiresAndLosingOneFieldIsCaught() {
        OutputSchemaCheck check = new OutputSchemaCheck(mcp.tools());
        // The flows above never needed the model list; an agent's first call does.
        assertThat(mcp.call("describe_models", Map.of()).isError()).isFalse();
        Map<String, ToolCall> successes = new LinkedHashMap<>();
        recorder.calls().forEach(c -> {
            if (!c.isError() && c.structured().isObject()) {
                successes.putIfAbsent(c.tool(), c);
            }
        });
        assertThat(successes.keySet()).as("tools with a successful call").containsAll(TOOLS);
        int removals = 0;
        for (ToolCall call : successes.values()) {
            assertThat(check.problems(call)).as("%s", call).isEmpty();
            JsonNode schema = ToolCall.JSON.valueToTree(mcp.tool(call.tool()).outputSchema());
            JsonNode required = schema.at("/anyOf/0/required");
            assertThat(required.size())
                    .as("%s: fields a success always has", call.tool())
                    .isPositive();
            for (JsonNode field : required) {
                ObjectNode without = call.structured().deepCopy();
                without.remove(field.asText());
                assertThat(check.problems(new ToolCall(call.tool(), call.arguments(), call.result(), without)))
                        .as("%s without %s", call.tool(), field)
                        .isNotEmpty();
                removals++;
            }
            if (call.structured().path("job").isObject()) {
                for (JsonNode field : schema.at("/properties/job/required")) {
                    ObjectNode without = call.structured().deepCopy();
                    ((ObjectNode) without.get("job")).remove(field.asText());
                    assertThat(check.problems(new ToolCall(call.tool(), call.arguments(), call.result(), without)))
                            .as("%s without job.%s", call.tool(), field)
                            .isNotEmpty();
                    removals++;
                }
            }
        }
        assertThat(removals).isGreaterThan(TOOLS.size());
    }
}
