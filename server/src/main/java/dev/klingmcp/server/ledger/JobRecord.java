package dev.klingmcp.server.ledger;

import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.StateChange;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One row of the job ledger, as stored. JSON columns are kept as text: the ledger does not interpret model inputs or
 * outputs, it only keeps them safe across crashes and restarts.
 *
 * @param localId        our id, created before the submit POST (so a crash can never lose the job)
 * @param requestId      fal's request_id, filled when fal answered the submit
 * @param model          full endpoint id
 * @param inputJson      the submitted input
 * @param optionsJson    submit options (webhook URL, client key) as JSON, or null
 * @param estimateJson   the {@code CostEstimate} as JSON
 * @param estimateUsd    the same estimate as a number, for totals in SQL
 * @param idempotencyKey sha256 of model + input + client key; null when the caller gave no key
 * @param statusUrl      URLs fal returned on submit
 * @param state          normalized state
 * @param falStatus      fal's raw status
 * @param queuePosition  while queued
 * @param logsJson       last log lines (bounded) as a JSON array
 * @param resultJson     fal's output JSON once fetched
 * @param errorJson      the {@code JobError} as JSON for failed / unknown jobs
 * @param inferenceSeconds fal's metrics.inference_time
 * @param localPath      downloaded file
 * @param sha256         its digest
 * @param createdAt      row written (before the POST)
 * @param updatedAt      last change
 * @param finishedAt     when a terminal state was first recorded
 * @param owner          the principal (token subject) that created the job over authorized HTTP; null for jobs made
 *                       without authorization (stdio, loopback HTTP), which no authorized principal sees
 * @param history        state changes, oldest first (read-only view; written by the ledger on state changes)
 */
public record JobRecord(
        String localId,
        String requestId,
        String model,
        String inputJson,
        String optionsJson,
        String estimateJson,
        double estimateUsd,
        String idempotencyKey,
        String statusUrl,
        String responseUrl,
        String cancelUrl,
        JobState state,
        String falStatus,
        Integer queuePosition,
        String logsJson,
        String resultJson,
        String errorJson,
        Double inferenceSeconds,
        String localPath,
        String sha256,
        Instant createdAt,
        Instant updatedAt,
        Instant finishedAt,
        String owner,
        List<StateChange> history) {

    public JobRecord {
        Objects.requireNonNull(localId, "localId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(state, "state");
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** The id the MCP side shows: fal's request id once known. */
    public String publicId() {
        return requestId != null ? requestId : localId;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A fresh row in state SUBMITTING; times are set by the ledger on insert. */
    public static Builder submitting(String localId, String model, String inputJson) {
        return new Builder(new JobRecord(
                localId,
                null,
                model,
                inputJson,
                null,
                null,
                0,
                null,
                null,
                null,
                null,
                JobState.SUBMITTING,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                List.of()));
    }

    /** Mutable copy used by {@link JobLedger#update}; only the fields a caller may change have setters. */
    public static final class Builder {
        private final JobRecord base;
        private String requestId;
        private String optionsJson;
        private String estimateJson;
        private double estimateUsd;
        private String idempotencyKey;
        private String statusUrl;
        private String responseUrl;
        private String cancelUrl;
        private JobState state;
        private String falStatus;
        private Integer queuePosition;
        private String logsJson;
        private String resultJson;
        private String errorJson;
        private Double inferenceSeconds;
        private String localPath;
        private String sha256;
        private String owner;

        private Builder(JobRecord r) {
            base = r;
            requestId = r.requestId;
            optionsJson = r.optionsJson;
            estimateJson = r.estimateJson;
            estimateUsd = r.estimateUsd;
            idempotencyKey = r.idempotencyKey;
            statusUrl = r.statusUrl;
            responseUrl = r.responseUrl;
            cancelUrl = r.cancelUrl;
            state = r.state;
            falStatus = r.falStatus;
            queuePosition = r.queuePosition;
            logsJson = r.logsJson;
            resultJson = r.resultJson;
            errorJson = r.errorJson;
            inferenceSeconds = r.inferenceSeconds;
            localPath = r.localPath;
            sha256 = r.sha256;
            owner = r.owner;
        }

        public JobState state() {
            return state;
        }

        /** The row as read inside the update's transaction, before this builder's changes. */
        public JobRecord current() {
            return base;
        }

        public Builder requestId(String v) {
            requestId = v;
            return this;
        }

        public Builder options(String json) {
            optionsJson = json;
            return this;
        }

        public Builder estimate(String json, double usd) {
            estimateJson = json;
            estimateUsd = usd;
            return this;
        }

        public Builder idempotencyKey(String v) {
            idempotencyKey = v;
            return this;
        }

        public Builder urls(String status, String response, String cancel) {
            statusUrl = status;
            responseUrl = response;
            cancelUrl = cancel;
            return this;
        }

        public Builder state(JobState v) {
            state = Objects.requireNonNull(v);
            return this;
        }

        public Builder falStatus(String v) {
            falStatus = v;
            return this;
        }

        public Builder queuePosition(Integer v) {
            queuePosition = v;
            return this;
        }

        public Builder logs(String json) {
            logsJson = json;
            return this;
        }

        public Builder result(String json) {
            resultJson = json;
            return this;
        }

        public Builder error(String json) {
            errorJson = json;
            return this;
        }

        public Builder inferenceSeconds(Double v) {
            inferenceSeconds = v;
            return this;
        }

        public Builder download(String path, String digest) {
            localPath = path;
            sha256 = digest;
            return this;
        }

        /** Who creates the job; only taken on insert (a job never changes hands). */
        public Builder owner(String subject) {
            owner = subject;
            return this;
        }

        JobRecord build(Instant createdAt, Instant updatedAt, Instant finishedAt, List<StateChange> history) {
            return new JobRecord(
                    base.localId,
                    requestId,
                    base.model,
                    base.inputJson,
                    optionsJson,
                    estimateJson,
                    estimateUsd,
                    idempotencyKey,
                    statusUrl,
                    responseUrl,
                    cancelUrl,
                    state,
                    falStatus,
                    queuePosition,
                    logsJson,
                    resultJson,
                    errorJson,
                    inferenceSeconds,
                    localPath,
                    sha256,
                    createdAt,
                    updatedAt,
                    finishedAt,
                    owner,
                    history);
        }
    }
}
