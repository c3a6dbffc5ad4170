package dev.klingmcp.server.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.server.testing.FakeJobService;
import dev.klingmcp.server.testing.McpSession;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every tool's arguments are checked by the tool's own input schema (networknt) before the tool runs: a wrong type, a
 * number out of range, an unknown argument and a null where the schema takes none each come back as an
 * {@code invalid_input} problem naming the path, the schema's rule and what is allowed; nothing reaches the job service.
 */
@Timeout(60)
class ToolArgumentsSchemaTest {

    @TempDir
    Path tmp;

    private FakeJobService jobs;

    private McpSession mcp;

    @BeforeEach
    void start() {
        jobs = new FakeJobService(tmp.resolve("videos"));
        mcp = new McpSession(jobs, UnaryOperator.identity());
    }

    @AfterEach
    void stop() {
        mcp.close();
    }

    @Test
    void wrongTypeOutOfRangeAndUnknownArgumentAreEachAnsweredByTheSchema() {
        JsonNode problems = problems(
                "status",
                ToolJson.object().put("job_id", 42).put("wait_seconds", 90).put("verbose", true));
        assertThat(problems.findValuesAsText("path")).containsExactlyInAnyOrder("/job_id", "/wait_seconds", "/verbose");
        assertThat(at(problems, "/job_id").path("type").asText()).isEqualTo("string_type");
        assertThat(at(problems, "/job_id").path("problem").asText()).isEqualTo("must be a string, got integer 42");
        assertThat(at(problems, "/wait_seconds").path("type").asText()).isEqualTo("less_than_equal");
        assertThat(at(problems, "/wait_seconds").path("problem").asText()).isEqualTo("must be at most 50, got 90");
        assertThat(at(problems, "/wait_seconds").path("allowed").asText()).isEqualTo("an integer from 0 to 50");
        assertThat(at(problems, "/verbose").path("type").asText()).isEqualTo("extra_forbidden");
        assertThat(at(problems, "/verbose").path("allowed").asText()).contains("job_id, wait_seconds");
    }

    @Test
    void aNullOptionIsRefusedNotReadAsItsDefault() {
        // dry_run: null once read as "not a dry run" and submitted a paid job.
        ObjectNode args =
                ToolJson.object().put("model", "o3/pro/reference-to-video").put("prompt", "a cat");
        args.putNull("dry_run");
        JsonNode problems = problems("generate", args);
        assertThat(problems.findValuesAsText("path")).containsExactly("/dry_run");
        assertThat(at(problems, "/dry_run").path("problem").asText()).isEqualTo("must be a boolean, got null");
        assertThat(jobs.submits()).isZero();
        ObjectNode wait = ToolJson.object().put("job_id", "req-1");
        wait.putNull("wait_seconds");
        assertThat(problems("status", wait).findValuesAsText("path")).containsExactly("/wait_seconds");
    }

    @Test
    void everyToolRefusesAnUnknownArgumentAndAWrongTypeWithThePath() {
        List<String> tools =
                List.of("describe_models", "generate", "status", "result", "cancel", "list_jobs", "upload");
        for (String tool : tools) {
            ObjectNode args = ToolJson.object().put("no_such_argument", 1);
            if (!tool.equals("describe_models") && !tool.equals("list_jobs")) {
                args.put(tool.equals("upload") ? "path" : tool.equals("generate") ? "model" : "job_id", 7);
            }
            JsonNode problems = problems(tool, args);
            assertThat(problems.findValuesAsText("path")).as(tool).contains("/no_such_argument");
            if (args.size() > 1) {
                assertThat(problems.findValuesAsText("type")).as(tool).contains("string_type");
            }
        }
        assertThat(problems("list_jobs", ToolJson.object().put("limit", 0)).findValuesAsText("type"))
                .containsExactly("greater_than_equal");
        assertThat(problems("list_jobs", ToolJson.object().put("status", "DONE"))
                        .findValuesAsText("problem"))
                .containsExactly("got \"DONE\"");
        assertThat(problems("result", ToolJson.object().put("job_id", "x").put("download", "yes"))
                        .findValuesAsText("path"))
                .containsExactly("/download");
        assertThat(jobs.submits()).isZero();
    }

    private JsonNode problems(String tool, JsonNode args) {
        JsonNode result = mcp.callTool(tool, args, null);
        assertThat(result.path("isError").asBoolean()).as("%s", result).isTrue();
        JsonNode error = result.at("/structuredContent/error");
        assertThat(error.path("code").asText()).as("%s", result).isEqualTo("invalid_input");
        return error.path("problems");
    }

    private static JsonNode at(JsonNode problems, String path) {
        for (JsonNode p : problems) {
            if (p.path("path").asText().equals(path)) {
                return p;
            }
        }
        throw new AssertionError("no problem at " + path + " in " + problems);
    }
}
