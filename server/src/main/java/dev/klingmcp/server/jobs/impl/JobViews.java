package dev.klingmcp.server.jobs.impl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.server.jobs.CostEstimate;
import dev.klingmcp.server.jobs.JobError;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.LogLine;
import dev.klingmcp.server.jobs.StateChange;
import dev.klingmcp.server.jobs.VideoFile;
import dev.klingmcp.server.ledger.JobRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Builds {@link JobView}s from ledger rows: parses the JSON columns and adds elapsed time and an ETA. A job polled
 * again and again comes back with the same column text each time, so what was parsed from a row is kept per job
 * (bounded) and reused while that text is unchanged. The check is on the text itself, not on a timestamp or version,
 * so a row another replica wrote a moment ago can never be shown through an older parse. Parsed values are shared
 * between views: nothing may change a view's input tree or error detail in place.
 */
final class JobViews {

    /** Jobs whose parsed columns are kept; past this the map starts afresh (a listing's pages pass through it). */
    private static final int MAX_PARSED = 512;

    private final ConcurrentHashMap<String, Parsed> parsed = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Function<String, FalEndpoint> endpoints;
    private final double timeScale;

    /**
     * @param timeScale how many times faster than fal's typical figures jobs run (1 for fal; a mock's speed factor), so
     *                  the demo's 8 s job is not announced as "ETA ~2 min"
     */
    JobViews(Clock clock, Function<String, FalEndpoint> endpoints, double timeScale) {
        this.clock = clock;
        this.endpoints = endpoints;
        this.timeScale = timeScale;
    }

    JobView view(JobRecord r) {
        Instant now = clock.instant();
        Instant end = r.finishedAt() != null ? r.finishedAt() : now;
        Parsed p = parsed(r);
        CostEstimate estimate = p.estimate();
        JobError error = p.error();
        if (error == null && r.state() == JobState.UNKNOWN) {
            error = new JobError(lastNote(r.history()), "submit_interrupted", 0, null);
        }
        return new JobView(
                r.publicId(),
                r.localId(),
                r.requestId(),
                r.model(),
                r.state(),
                r.falStatus(),
                r.state() == JobState.QUEUED ? r.queuePosition() : null,
                p.logs(),
                p.input(),
                estimate,
                r.createdAt(),
                r.updatedAt(),
                Duration.between(r.createdAt(), end),
                eta(r, estimate, now),
                r.history(),
                p.video(),
                r.localPath(),
                r.sha256(),
                error,
                r.inferenceSeconds(),
                p.webhookUrl());
    }

    private Parsed parsed(JobRecord r) {
        Parsed p = parsed.get(r.localId());
        if (p != null && p.parsedFrom(r)) {
            return p;
        }
        p = Parsed.of(r);
        if (parsed.size() >= MAX_PARSED) {
            parsed.clear();
        }
        parsed.put(r.localId(), p);
        return p;
    }

    /** A row's JSON columns as text and as parsed. */
    private record Parsed(
            String estimateJson,
            String errorJson,
            String logsJson,
            String inputJson,
            String resultJson,
            String optionsJson,
            CostEstimate estimate,
            JobError error,
            List<LogLine> logs,
            JsonNode input,
            VideoFile video,
            String webhookUrl) {

        static Parsed of(JobRecord r) {
            return new Parsed(
                    r.estimateJson(),
                    r.errorJson(),
                    r.logsJson(),
                    r.inputJson(),
                    r.resultJson(),
                    r.optionsJson(),
                    LedgerJson.estimate(r.estimateJson()),
                    LedgerJson.error(r.errorJson()),
                    Collections.unmodifiableList(LedgerJson.logs(r.logsJson())),
                    LedgerJson.tree(r.inputJson()),
                    JobViews.video(r.resultJson()),
                    LedgerJson.options(r.optionsJson()).path("webhook_url").asText(null));
        }

        /** Whether {@code r}'s column text is the text these values were parsed from. */
        boolean parsedFrom(JobRecord r) {
            return Objects.equals(estimateJson, r.estimateJson())
                    && Objects.equals(errorJson, r.errorJson())
                    && Objects.equals(logsJson, r.logsJson())
                    && Objects.equals(inputJson, r.inputJson())
                    && Objects.equals(resultJson, r.resultJson())
                    && Objects.equals(optionsJson, r.optionsJson());
        }
    }

    static VideoFile video(String resultJson) {
        JsonNode v = resultJson == null ? null : LedgerJson.tree(resultJson);
        if (v == null || !v.path("video").path("url").isTextual()) {
            return null;
        }
        JsonNode f = v.path("video");
        return new VideoFile(
                f.path("url").asText(),
                f.path("content_type").asText(null),
                f.path("file_name").asText(null),
                f.path("file_size").isNumber() ? f.path("file_size").asLong() : null);
    }

    /**
     * Typical time left, from the endpoint's timing figures: the rest of the typical queue wait (if still queued) plus
     * the typical run time for the clip's length, minus the time it has been running, all divided by the time scale.
     * Never negative; null when finished.
     */
    Duration eta(JobRecord r, CostEstimate estimate, Instant now) {
        if (r.state().isTerminal()) {
            return null;
        }
        FalEndpoint e = endpoints.apply(r.model());
        if (e == null || e.timing() == null) {
            return null;
        }
        int videoSeconds = estimate != null ? estimate.seconds() : 5;
        double run = e.timing().runSeconds(videoSeconds) / timeScale;
        double left;
        if (r.state() == JobState.RUNNING) {
            Instant started = enteredAt(r.history(), JobState.RUNNING, r.updatedAt());
            left = run - secondsBetween(started, now);
        } else {
            left = Math.max(0, e.timing().queueSeconds() / timeScale - secondsBetween(r.createdAt(), now)) + run;
        }
        return Duration.ofMillis(Math.max(0, Math.round(left * 1000)));
    }

    private static double secondsBetween(Instant a, Instant b) {
        return Duration.between(a, b).toMillis() / 1000.0;
    }

    private static Instant enteredAt(List<StateChange> history, JobState state, Instant fallback) {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).state() == state) {
                return history.get(i).at();
            }
        }
        return fallback;
    }

    private static String lastNote(List<StateChange> history) {
        return history.isEmpty()
                ? "the submit's outcome is unknown"
                : history.get(history.size() - 1).note();
    }
}
