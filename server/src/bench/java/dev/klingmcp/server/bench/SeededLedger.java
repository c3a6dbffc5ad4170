package dev.klingmcp.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.server.jobs.CostEstimate;
import dev.klingmcp.server.jobs.JobError;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.ledger.JdbcJobLedger;
import dev.klingmcp.server.ledger.JobLedger;
import dev.klingmcp.server.ledger.JobRecord;
import dev.klingmcp.server.ledger.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The ledger {@link LedgerScaleBench} measures: real requests queued at mock-fal (its clock stopped, so they stay
 * unfinished), and a ledger of finished and unfinished jobs written through the server's own ledger class, as a month
 * of use leaves it.
 */
final class SeededLedger {

    private static final String STANDARD = "fal-ai/kling-video/o3/standard/image-to-video";
    private static final String PRO = "fal-ai/kling-video/o3/pro/reference-to-video";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SeededLedger() {}

    /**
     * Writes {@code total} rows into the ledger at {@code url}, the newest ones the {@code queued} jobs, and returns
     * their fal request ids (the jobs the server will follow).
     */
    static List<String> write(String url, int total, List<JsonNode> queued, String mockUrl) throws Exception {
        // the seeding moves this clock by hand, so created_at spreads over weeks
        MutableClock clock = new MutableClock(Instant.now());
        List<String> followed;
        try (JobLedger ledger = JdbcJobLedger.open(url, clock)) {
            followed = seed(ledger, clock, total, queued, mockUrl);
        }
        settle(url);
        return followed;
    }

    /**
     * PostgreSQL: brings the freshly seeded tables to the state autovacuum gives them about a minute later (statistics
     * for the planner, the visibility map that lets the totals read the covering index alone). Without it the run
     * measured whichever state autovacuum happened to reach first, and varied by 2x between runs.
     */
    private static void settle(String ledgerUrl) throws Exception {
        if (!ledgerUrl.startsWith("jdbc:postgresql:")) {
            return;
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(ledgerUrl);
                java.sql.Statement s = c.createStatement()) {
            s.execute("VACUUM (ANALYZE) jobs");
            s.execute("VACUUM (ANALYZE) job_states");
        }
    }

    /** Submits {@code n} jobs to the mock (clock stopped: they stay queued); fal's submit answers. */
    static List<JsonNode> submitAtMock(MockFal mock, String key, int n) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String body = JSON.writeValueAsString(input(i));
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(mock.baseUrl() + "/" + STANDARD))
                            .header("Authorization", "Key " + key)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("mock submit answered " + r.statusCode() + ": " + r.body());
            }
            out.add(JSON.readTree(r.body()));
        }
        return out;
    }

    private static Map<String, Object> input(int i) {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("prompt", "job " + i + ": a paper boat drifting on a calm lake at dawn, soft mist, slow camera pan");
        in.put("image_url", "https://example.invalid/start-" + i + ".png");
        in.put("duration", "5");
        return in;
    }

    /**
     * Writes {@code total} rows through the ledger's own API, oldest first over the last 30 days: the unfinished ones
     * (the newest, as in real use) carry the mock's request ids; the rest finished (80 % succeeded with a video, 15 %
     * failed, 5 % cancelled), two models. Returns the public ids of the unfinished rows.
     */
    private static List<String> seed(
            JobLedger ledger, MutableClock clock, int total, List<JsonNode> queued, String mockUrl) throws Exception {
        Instant start = Instant.now().minus(Duration.ofDays(30));
        Duration step = Duration.ofDays(30).dividedBy(total);
        List<String> followed = new ArrayList<>();
        int firstUnfinished = total - queued.size();
        for (int i = 0; i < total; i++) {
            clock.set(start.plus(step.multipliedBy(i)));
            boolean pro = i % 3 == 0;
            String model = pro ? PRO : STANDARD;
            double usd = pro ? 1.12 : 0.42;
            String estimate = JSON.writeValueAsString(
                    new CostEstimate(usd, 5, false, usd / 5, "5 s × $" + usd / 5 + "/s (bench)", "default"));
            JobRecord row = insert(ledger, model, i, estimate, usd);
            if (i >= firstUnfinished) {
                JsonNode fal = queued.get(i - firstUnfinished);
                boolean running = i % 2 == 1;
                ledger.update(
                        row.localId(),
                        b -> b.requestId(fal.path("request_id").asText())
                                .urls(
                                        fal.path("status_url").asText(),
                                        fal.path("response_url").asText(),
                                        fal.path("cancel_url").asText())
                                .state(running ? JobState.RUNNING : JobState.QUEUED)
                                .falStatus(running ? "IN_PROGRESS" : "IN_QUEUE"),
                        "fal accepted the submit");
                followed.add(fal.path("request_id").asText());
                continue;
            }
            String requestId = UUID.randomUUID().toString();
            int kind = i % 20;
            JobState end = kind < 16 ? JobState.SUCCEEDED : kind < 19 ? JobState.FAILED : JobState.CANCELLED;
            String result = end != JobState.SUCCEEDED
                    ? null
                    : JSON.writeValueAsString(Map.of(
                            "video",
                            Map.of(
                                    "url",
                                    mockUrl + "/cdn/videos/5s-16x9/output.mp4?job=" + i,
                                    "content_type",
                                    "video/mp4",
                                    "file_name",
                                    "output.mp4",
                                    "file_size",
                                    812_345)));
            String error = end != JobState.FAILED
                    ? null
                    : JSON.writeValueAsString(
                            new JobError("the image could not be downloaded", "image_load_error", 422, null));
            ledger.update(
                    row.localId(),
                    b -> b.requestId(requestId)
                            .urls(
                                    mockUrl + "/" + model + "/requests/" + requestId + "/status",
                                    mockUrl + "/" + model + "/requests/" + requestId,
                                    mockUrl + "/" + model + "/requests/" + requestId + "/cancel")
                            .state(end)
                            .falStatus("COMPLETED")
                            .result(result)
                            .error(error)
                            .inferenceSeconds(end == JobState.SUCCEEDED ? 97.5 : null),
                    "finished");
        }
        return followed;
    }

    private static JobRecord insert(JobLedger ledger, String model, int i, String estimate, double usd)
            throws Exception {
        return ledger.insert(
                JobRecord.submitting("local-" + UUID.randomUUID(), model, JSON.writeValueAsString(input(i)))
                        .estimate(estimate, usd),
                "ledger write before submit");
    }
}
