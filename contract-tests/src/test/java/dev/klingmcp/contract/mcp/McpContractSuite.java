package dev.klingmcp.contract.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.contract.openapi.ValidatedMockFal;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.queue.SubmitCounters;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every MCP contract suite shares: one mock-fal in this JVM (manual clock, accepting only the leak-check key)
 * behind the recording proxy that checks every answer it gives against the {@code openapi/} documents, one server
 * process per suite talking to it, and two checks that run last over everything the suite saw: every
 * {@code structuredContent} conforms to its tool's {@code outputSchema}, and the fal key appears nowhere.
 *
 * <p>Subclasses pick the transport through {@link #connector()}; the stdio subclasses spawn the real jar.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class McpContractSuite {

    /** Last in every suite: the checks over everything the suite's calls produced. */
    static final int LAST = Integer.MAX_VALUE;

    /** The suite's temporary folder (ledger, outputs, working directory, captured stderr). */
    Path root;

    /** mock-fal behind the contract-checking proxy: the server is pointed at {@code contract.baseUrl()}. */
    ValidatedMockFal contract;

    /** The mock itself, for its control API (clock, jobs, submit counters). */
    MockFal mock;

    ClockDriver clock;

    ServerSetup setup;

    Recorder recorder;

    McpSession mcp;

    private ServerConnector connector;

    /** The transport this suite runs over. */
    abstract ServerConnector connector();

    @BeforeAll
    void startMockAndServer(@TempDir Path tempDir) {
        ServerCommand.assumeServerBuilt();
        root = tempDir;
        contract = ValidatedMockFal.with(ClockDriver::options).start();
        mock = contract.mock();
        clock = new ClockDriver(mock);
        setup = ServerSetup.under(root, contract.baseUrl(), SecretScan.FAL_KEY);
        recorder = new Recorder(root.resolve("server-stderr.log"));
        connector = connector();
        mcp = connector.connect(setup, recorder);
    }

    @AfterAll
    void stopServerAndMock() {
        try {
            if (connector != null) {
                connector.close();
            }
        } finally {
            if (contract != null) {
                contract.verifyAndClose(getClass().getSimpleName());
            }
        }
    }

    @Test
    @Order(LAST)
    void everyStructuredContentConformsToItsToolsOutputSchema() {
        OutputSchemaCheck check = new OutputSchemaCheck(mcp.tools());
        assertThat(recorder.calls()).as("tool calls made by this suite").isNotEmpty();
        assertThat(check.problems(recorder.calls()))
                .as("outputSchema violations")
                .isEmpty();
    }

    @Test
    @Order(LAST)
    void falKeyAppearsInNoResultNotificationLogOrFile() {
        assertThat(recorder.stderr())
                .as("server stderr was captured (the scan below must have something to read)")
                .isNotEmpty();
        assertThat(SecretScan.hits(recorder)).as("places showing the fal key").isEmpty();
        assertThat(SecretScan.fileHits(root))
                .as("files (ledger, saved videos, captured stderr) holding the fal key")
                .isEmpty();
    }

    /** Submits seen by mock-fal so far, over every endpoint, including refused attempts. */
    long submitAttempts() {
        return mock.control().submits().values().stream()
                .mapToLong(SubmitCounters.Count::attempts)
                .sum();
    }

    /** {@code generate} that must succeed; returns the call (job id at {@code /job_id}). */
    ToolCall generate(Map<String, Object> arguments) {
        ToolCall call = mcp.call("generate", arguments);
        assertThat(call.isError()).as("generate failed: %s", call).isFalse();
        return call;
    }

    /** Plain Java map of a JSON object, the form the SDK client sends as arguments. */
    static Map<String, Object> args(JsonNode object) {
        return ToolCall.JSON.convertValue(
                object, ToolCall.JSON.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
    }
}
