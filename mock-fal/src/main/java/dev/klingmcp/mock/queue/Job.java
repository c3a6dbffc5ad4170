package dev.klingmcp.mock.queue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** One request's mutable life. Only {@link QueueEngine} touches it, always under its lock. */
final class Job {

    static final long NEVER = Long.MAX_VALUE;

    /** Progress lines written while IN_PROGRESS, as fractions of the run. */
    private static final double[] PROGRESS_STEPS = {0.2, 0.4, 0.6, 0.8};

    private record PlannedLog(long atMillis, String message) {}

    final String id;
    final long seq;
    final ModelEndpoint endpoint;
    final JsonNode input;
    final VideoShape shape;
    final String webhookUrl;
    final JobFaults faults;
    final long submittedAt;
    /** When the simulated queue wait is over; NEVER for a job stuck by a fault. */
    final long readyAt;
    /** When {@code x-fal-request-timeout} expires if the job has not started; NEVER without the header. */
    final long startDeadline;

    final long runMillis;

    JobStatus status = JobStatus.IN_QUEUE;
    long startedAt = -1;
    long completedAt = -1;
    long endAt = NEVER;
    long failAt = NEVER;
    JobFailure failure;
    boolean cancelled;
    final List<JobLog> logs = new ArrayList<>();
    private final Deque<PlannedLog> plannedLogs = new ArrayDeque<>();
    final List<JobListener> listeners = new CopyOnWriteArrayList<>();

    Job(String id, long seq, SubmitRequest request, long submittedAt, long queueMillis, long runMillis) {
        this.id = id;
        this.seq = seq;
        this.endpoint = request.endpoint();
        this.input = request.input();
        this.shape = VideoShape.of(request.input());
        this.webhookUrl = request.webhookUrl();
        this.faults = request.faults();
        this.submittedAt = submittedAt;
        this.readyAt = request.faults().stuckInQueue() ? NEVER : submittedAt + queueMillis;
        this.startDeadline = request.startTimeout() == null
                ? NEVER
                : submittedAt + Math.max(1, request.startTimeout().toMillis());
        this.runMillis = runMillis;
    }

    /** Moves to IN_PROGRESS and plans the log lines and the end (or the injected runner failure). */
    void start(long now) {
        status = JobStatus.IN_PROGRESS;
        startedAt = now;
        endAt = now + runMillis;
        logs.add(JobLog.info(
                "Starting generation on " + endpoint.id() + ": " + shape.seconds() + "s, " + shape.aspectRatio()
                        + ", audio " + (input.path("generate_audio").asBoolean(false) ? "on" : "off"),
                now));
        for (double step : PROGRESS_STEPS) {
            plannedLogs.add(new PlannedLog(
                    now + Math.round(runMillis * step), "Generating video... " + Math.round(step * 100) + "%"));
        }
        if (faults.runnerFailure() != null) {
            failAt = now + runMillis / 2;
        }
    }

    long nextLogAt() {
        PlannedLog next = plannedLogs.peekFirst();
        return next == null ? NEVER : next.atMillis();
    }

    /** Writes every planned line due by {@code now}; true when at least one was written. */
    boolean emitLogsDue(long now) {
        boolean any = false;
        while (!plannedLogs.isEmpty()
                && plannedLogs.peekFirst().atMillis() <= now
                && plannedLogs.peekFirst().atMillis() <= Math.min(endAt, failAt)) {
            PlannedLog log = plannedLogs.removeFirst();
            logs.add(JobLog.info(log.message(), log.atMillis()));
            any = true;
        }
        return any;
    }

    void succeed(long now) {
        logs.add(JobLog.info("Video generated, uploading output", now));
        complete(now, null);
    }

    void fail(long now, JobFailure why) {
        if (why.statusError() != null) {
            logs.add(JobLog.error(why.statusError(), now));
        }
        complete(now, why);
    }

    private void complete(long now, JobFailure why) {
        status = JobStatus.COMPLETED;
        completedAt = now;
        failure = why;
        plannedLogs.clear();
        endAt = NEVER;
        failAt = NEVER;
    }

    JobSnapshot snapshot(int queuePosition) {
        Double inference = status == JobStatus.COMPLETED && startedAt >= 0 ? (completedAt - startedAt) / 1000.0 : null;
        return new JobSnapshot(
                id,
                endpoint.id(),
                endpoint.appId(),
                status,
                queuePosition,
                List.copyOf(logs),
                inference,
                failure,
                cancelled,
                submittedAt,
                startedAt >= 0 ? startedAt : null,
                completedAt >= 0 ? completedAt : null,
                shape.seconds(),
                shape.aspectRatio(),
                webhookUrl,
                input);
    }
}
