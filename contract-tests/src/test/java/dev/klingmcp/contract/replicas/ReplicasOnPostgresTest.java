package dev.klingmcp.contract.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.mock.queue.JobSnapshot;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas of the real server (separate processes, {@code serve --http}) on one PostgreSQL ledger, one mock-fal
 * whose clock the test moves: any replica answers for any job, a subscriber on one replica hears about a job submitted
 * on the other, and the jobs of a replica killed with SIGKILL are finished (and their videos saved) by the other one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240)
class ReplicasOnPostgresTest {

    private static final String FAL_KEY = "replica-contract-key-id:replica-contract-key-secret";

    @RegisterExtension
    static final ReplicasOnOneLedger replicas = ReplicasOnOneLedger.perClass(
            FAL_KEY,
            new MockFalOptions()
                    .setManualClock(true)
                    .setSeed(23)
                    .setLogRequests(false)
                    .setStorageDir(Path.of(System.getProperty("contract.mockStorageDir", "target/mcp-mock-fal"))
                            .toAbsolutePath()));

    MockFal mock;
    String ledgerUrl;
    Path videos;
    Replica a;
    Replica b;

    @BeforeAll
    void start() throws IOException {
        mock = replicas.mock();
        ledgerUrl = replicas.ledgerUrl();
        videos = replicas.videos();
        // A follows every second; B every 3 s: A, up first, normally holds the leases of the jobs submitted on it.
        a = replicas.replica("A", environment("1"), 0);
        b = replicas.replica("B", environment("3"), 0);
    }

    private static Map<String, String> environment(String followEverySeconds) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KLING_MCP_FOLLOW_INTERVAL_SECONDS", followEverySeconds);
        env.put("KLING_MCP_FOLLOW_LEASE_SECONDS", "6");
        env.put("KLING_MCP_FOLLOW_DOWNLOAD", "true");
        env.put("KLING_MCP_TIMEOUT_CONNECT_SECONDS", "5");
        env.put("KLING_MCP_TIMEOUT_REQUEST_SECONDS", "20");
        return env;
    }

    @Test
    @Order(1)
    void aJobSubmittedOnOneReplicaIsReadResultedAndCancelledOnTheOther() throws Exception {
        McpSyncClient onA = a.client();
        McpSyncClient onB = b.client();

        String done = generate(onA, "replica read test");
        JsonNode status = Replica.call(onB, "status", Map.of("job_id", done));
        assertThat(status.at("/job/job_id").asText()).isEqualTo(done);
        assertThat(status.at("/job/status").asText()).isIn("QUEUED", "RUNNING");
        complete(done);
        // The replica that streams the job answers status from the row its stream writes; the completion event is
        // on its way over that stream for a moment after the mock finished the job.
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(15))
                .pollInterval(java.time.Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(Replica.call(onB, "status", Map.of("job_id", done))
                                .at("/job/status")
                                .asText())
                        .isEqualTo("SUCCEEDED"));
        JsonNode result = Replica.call(onB, "result", Map.of("job_id", done, "download", true));
        assertThat(result.at("/outcome").asText()).as("%s", result).isEqualTo("READY");
        assertThat(Path.of(result.at("/download/path").asText())).isRegularFile();

        String queued = generate(onA, "replica cancel test");
        assertThat(mockJob(queued).status().name()).isEqualTo("IN_QUEUE");
        JsonNode cancel = Replica.call(onB, "cancel", Map.of("job_id", queued));
        assertThat(cancel.at("/outcome").asText()).as("%s", cancel).isEqualTo("CANCELLATION_REQUESTED");
        assertThat(mockJob(queued).cancelled())
                .as("mock-fal received the cancel")
                .isTrue();
        assertThat(Replica.call(onA, "status", Map.of("job_id", queued))
                        .at("/job/status")
                        .asText())
                .isEqualTo("CANCELLED");

        // the stateless lane: tasks/get for jobs submitted on A, asked of B without any session
        assertThat(b.taskGet(done).path("status").asText()).isEqualTo("completed");
        assertThat(b.taskGet(queued).path("status").asText()).isEqualTo("cancelled");

        JsonNode listedOnB = Replica.call(onB, "list_jobs", Map.of());
        assertThat(listedOnB.at("/jobs").findValuesAsText("job_id")).contains(done, queued);
    }

    @Test
    @Order(2)
    void aSubscriberOnOneReplicaHearsAboutAJobSubmittedOnTheOther() {
        McpSyncClient onA = a.client();
        McpSyncClient onB = b.client();
        String job = generate(onA, "replica subscription test");
        String uri = "kling://jobs/" + job;
        onB.subscribeResource(McpSchema.SubscribeRequest.builder(uri).build());
        b.resourceUpdates.clear();
        waitFor(Duration.ofSeconds(90), () -> {
            mock.control().advanceClock(Duration.ofSeconds(5));
            return b.resourceUpdates.contains(uri)
                    && mockJob(job).status().name().equals("COMPLETED");
        });
        assertThat(b.resourceUpdates)
                .as("resources/updated on B for the job submitted on A")
                .contains(uri);
        // after the job ended, B's subscriber reads the finished state
        waitFor(Duration.ofSeconds(30), () -> {
            McpSchema.ReadResourceResult read =
                    onB.readResource(McpSchema.ReadResourceRequest.builder(uri).build());
            return ((McpSchema.TextResourceContents) read.contents().get(0))
                    .text()
                    .contains("SUCCEEDED");
        });
    }

    @Test
    @Order(3)
    void whenAReplicaIsKilledWithJobsRunningTheOtherFinishesAndSavesThemAll() throws Exception {
        McpSyncClient onA = a.client();
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            jobs.add(generate(onA, "replica kill test " + i));
        }
        mock.control().advanceClock(Duration.ofSeconds(3));
        // every job is leased before the kill; A (following every second, up first) normally holds most of them
        waitFor(Duration.ofSeconds(60), () -> leases(jobs).values().stream().allMatch(o -> o != null));
        Map<String, String> before = leases(jobs);
        // A follows more often and normally holds most leases, but B's first round can win them all on a loaded
        // machine. The replica that holds leases is the one killed, so the test always proves a takeover.
        Replica victim = heldBy(before, a) > 0 ? a : b;
        Replica survivor = victim == a ? b : a;
        String victimName = victim == a ? "A" : "B";
        long held = heldBy(before, victim);
        assertThat(held)
                .as("leases held by %s at the kill: %s", victimName, before)
                .isPositive();
        assertThat(jobs).allSatisfy(j -> assertThat(mockJob(j).status().name()).isNotEqualTo("COMPLETED"));

        victim.kill();
        assertThat(victim.alive()).isFalse();
        long killed = System.nanoTime();

        waitFor(Duration.ofSeconds(150), () -> {
            mock.control().advanceClock(Duration.ofSeconds(5));
            return finishedAndSaved(jobs) == jobs.size();
        });
        System.out.printf(
                "replicas: %d of %d leases held by %s at SIGKILL; the other finished and saved all %d in %.1f s"
                        + " (lease 6 s)%n",
                held, jobs.size(), victimName, jobs.size(), (System.nanoTime() - killed) / 1e9);
        Map<String, String> rows = states(jobs);
        assertThat(rows).as("ledger rows after the kill").allSatisfy((id, state) -> assertThat(state)
                .startsWith("SUCCEEDED "));
        for (String state : rows.values()) {
            assertThat(Path.of(state.substring("SUCCEEDED ".length()))).isRegularFile();
        }
        assertThat(survivor.stderr()).doesNotContain("Exception in thread");
    }

    private static long heldBy(Map<String, String> leases, Replica replica) {
        return leases.values().stream()
                .filter(owner -> owner.contains("/" + replica.pid() + "/"))
                .count();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static String generate(McpSyncClient client, String prompt) {
        Map<String, Object> args = seedArguments();
        args.put("prompt", prompt);
        return Replica.call(client, "generate", args).at("/job_id").asText();
    }

    /** fal's own example for standard image-to-video (test-support's seed 002), as generate arguments. */
    private static Map<String, Object> seedArguments() {
        String seed = "/dev/klingmcp/testing/seed/examples/002-standard-input-example.json";
        try (InputStream in = ReplicasOnPostgresTest.class.getResourceAsStream(seed)) {
            ObjectNode example = (ObjectNode) Replica.JSON.readTree(in);
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("model", example.path("model").asText());
            args.putAll(Replica.JSON.convertValue(example.get("input"), new TypeReference<Map<String, Object>>() {}));
            return args;
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("cannot read " + seed, e);
        }
    }

    private JobSnapshot mockJob(String requestId) {
        return mock.control().job(requestId).orElseThrow(() -> new AssertionError("mock-fal has no job " + requestId));
    }

    private void complete(String requestId) {
        waitFor(Duration.ofSeconds(60), () -> {
            mock.control().advanceClock(Duration.ofSeconds(10));
            return mockJob(requestId).status().name().equals("COMPLETED");
        });
    }

    /** request id → lease owner (null when none), read from the shared ledger. */
    private Map<String, String> leases(List<String> ids) {
        return query(ids, "lease_owner");
    }

    /** request id → "STATE local_path". */
    private Map<String, String> states(List<String> ids) {
        return query(ids, "state || ' ' || COALESCE(local_path, '')");
    }

    private long finishedAndSaved(List<String> ids) {
        return states(ids).values().stream()
                .filter(s -> s.startsWith("SUCCEEDED ") && s.length() > "SUCCEEDED ".length())
                .count();
    }

    private Map<String, String> query(List<String> ids, String column) {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(ledgerUrl);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT request_id, " + column + " FROM jobs")) {
            while (rs.next()) {
                if (ids.contains(rs.getString(1))) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError("reading the shared ledger: " + e.getMessage(), e);
        }
        for (String id : ids) {
            out.putIfAbsent(id, null);
        }
        return out;
    }

    /** Polls {@code done} every 300 ms until it holds; fails with both replicas' stderr when {@code max} passes. */
    private void waitFor(Duration max, BooleanSupplier done) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return;
            }
            Replica.sleep(300);
        }
        throw new AssertionError(
                "not reached within " + max + "\n--- A:\n" + tail(a.stderr()) + "\n--- B:\n" + tail(b.stderr()));
    }

    private static String tail(String text) {
        return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    }
}
