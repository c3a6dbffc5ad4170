package dev.klingmcp.mock.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueEngineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** 10 s queue, 100 s per 5 s of video; refuses inputs carrying "bad". */
    private static final ModelEndpoint MODEL = new ModelEndpoint(
            "acme/video/v1/i2v",
            "acme/video",
            10,
            100,
            input -> input.has("bad")
                    ? List.of(new InputProblem(List.of("body", "bad"), "not allowed", "extra_forbidden", Map.of()))
                    : List.of());

    private final ManualClock clock = new ManualClock(1_000_000);
    private final SubmitCounters counters = new SubmitCounters();

    private QueueEngine engine(int concurrency, boolean forgetCancelled) {
        return new QueueEngine(
                clock, new RequestIds(7), new QueueEngine.Settings(concurrency, forgetCancelled, null), counters);
    }

    private static JsonNode input(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static SubmitRequest request(String json) {
        return new SubmitRequest(MODEL, input(json), null, null, JobFaults.NONE);
    }

    private JobStatus statusAfter(QueueEngine engine, String id, double seconds) {
        clock.advance(Duration.ofMillis(Math.round(seconds * 1000)));
        return engine.find(id).orElseThrow().status();
    }

    @Test
    void goesThroughQueueThenProgressThenCompletedOnTheSimulatedSchedule() {
        QueueEngine engine = engine(0, false);
        JobSnapshot job = engine.submit(request("{\"duration\":\"10\"}"), null);
        assertThat(job.status()).isEqualTo(JobStatus.IN_QUEUE);
        assertThat(statusAfter(engine, job.requestId(), 9.999)).isEqualTo(JobStatus.IN_QUEUE);
        assertThat(statusAfter(engine, job.requestId(), 0.001)).isEqualTo(JobStatus.IN_PROGRESS);
        // 10 s of video at 100 s per 5 s = 200 s of run time.
        assertThat(statusAfter(engine, job.requestId(), 199.999)).isEqualTo(JobStatus.IN_PROGRESS);
        assertThat(statusAfter(engine, job.requestId(), 0.001)).isEqualTo(JobStatus.COMPLETED);
        JobSnapshot done = engine.find(job.requestId()).orElseThrow();
        assertThat(done.inferenceSeconds()).isEqualTo(200.0);
        assertThat(done.failure()).isNull();
        assertThat(done.videoSeconds()).isEqualTo(10);
        assertThat(done.logs())
                .extracting(JobLog::message)
                .containsSubsequence(
                        "Generating video... 20%", "Generating video... 80%", "Video generated, uploading output");
        assertThat(done.logs()).extracting(JobLog::atMillis).isSorted();
    }

    @Test
    void processesEventsInTimeOrderEvenWhenTheClockJumpsFarAhead() {
        QueueEngine engine = engine(1, false);
        JobSnapshot first = engine.submit(request("{\"duration\":\"5\"}"), null);
        JobSnapshot second = engine.submit(request("{\"duration\":\"5\"}"), null);
        clock.advance(Duration.ofHours(1));
        JobSnapshot a = engine.find(first.requestId()).orElseThrow();
        JobSnapshot b = engine.find(second.requestId()).orElseThrow();
        // One slot: the second starts exactly when the first completes, not when the clock was read.
        assertThat(b.startedAtMillis()).isEqualTo(a.completedAtMillis());
        assertThat(b.completedAtMillis() - b.startedAtMillis()).isEqualTo(100_000);
    }

    @Test
    void queuePositionCountsRequestsAheadOnTheSameEndpoint() {
        QueueEngine engine = engine(1, false);
        List<JobSnapshot> jobs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            jobs.add(engine.submit(request("{}"), null));
        }
        assertThat(jobs).extracting(JobSnapshot::queuePosition).containsExactly(0, 1, 2, 3);
        clock.advance(Duration.ofSeconds(10));
        assertThat(engine.jobs())
                .extracting(JobSnapshot::status, JobSnapshot::queuePosition)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(JobStatus.IN_PROGRESS, 0),
                        org.assertj.core.groups.Tuple.tuple(JobStatus.IN_QUEUE, 0),
                        org.assertj.core.groups.Tuple.tuple(JobStatus.IN_QUEUE, 1),
                        org.assertj.core.groups.Tuple.tuple(JobStatus.IN_QUEUE, 2));
    }

    @Test
    void invalidInputIsAcceptedThenFailsWith422WhenTheRunnerPicksItUp() {
        QueueEngine engine = engine(0, false);
        JobSnapshot job = engine.submit(request("{\"bad\":1}"), null);
        assertThat(job.status()).isEqualTo(JobStatus.IN_QUEUE);
        clock.advance(Duration.ofSeconds(10));
        JobSnapshot done = engine.find(job.requestId()).orElseThrow();
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.failure().httpStatus()).isEqualTo(422);
        assertThat(done.failure().statusError())
                .as("fal shows model errors only on the result")
                .isNull();
        assertThat(done.failure().body().toString())
                .isEqualTo(
                        "{\"detail\":[{\"loc\":[\"body\",\"bad\"],\"msg\":\"not allowed\",\"type\":\"extra_forbidden\"}]}");
    }

    @Test
    void maxQueueLengthRejectsOnlyWhenThatManyAlreadyWait() {
        QueueEngine engine = engine(0, false);
        engine.submit(request("{}"), 2);
        engine.submit(request("{}"), 2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.submit(request("{}"), 2))
                .isInstanceOf(QueueFullException.class)
                .hasMessageContaining("2 request(s) waiting");
        assertThat(counters.snapshot().get(MODEL.id()).accepted()).isEqualTo(2);
    }

    @Test
    void startTimeoutEndsAQueuedJobWithRequestTimeout() {
        QueueEngine engine = engine(0, false);
        JobSnapshot job =
                engine.submit(new SubmitRequest(MODEL, input("{}"), null, Duration.ofSeconds(5), JobFaults.NONE), null);
        clock.advance(Duration.ofSeconds(6));
        JobSnapshot done = engine.find(job.requestId()).orElseThrow();
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.completedAtMillis() - done.submittedAtMillis()).isEqualTo(5_000);
        assertThat(done.failure().httpStatus()).isEqualTo(504);
        assertThat(done.failure().userTimeout()).isTrue();
        assertThat(done.failure().errorType()).isEqualTo("request_timeout");
    }

    @Test
    void startTimeoutDoesNotTouchAJobThatStartedInTime() {
        QueueEngine engine = engine(0, false);
        JobSnapshot job = engine.submit(
                new SubmitRequest(MODEL, input("{}"), null, Duration.ofSeconds(11), JobFaults.NONE), null);
        clock.advance(Duration.ofMinutes(10));
        assertThat(engine.find(job.requestId()).orElseThrow().succeeded()).isTrue();
    }

    @Test
    void cancelMatrix() {
        QueueEngine engine = engine(0, false);
        JobSnapshot queued = engine.submit(request("{}"), null);
        assertThat(engine.cancel(queued.requestId())).isEqualTo(CancelOutcome.CANCELLATION_REQUESTED);
        JobSnapshot cancelled = engine.find(queued.requestId()).orElseThrow();
        assertThat(cancelled.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(cancelled.cancelled()).isTrue();
        assertThat(cancelled.failure().errorType()).isEqualTo("client_cancelled");
        assertThat(engine.cancel(queued.requestId())).isEqualTo(CancelOutcome.ALREADY_COMPLETED);

        JobSnapshot running = engine.submit(request("{}"), null);
        clock.advance(Duration.ofSeconds(20));
        assertThat(engine.cancel(running.requestId())).isEqualTo(CancelOutcome.CANCELLATION_REQUESTED);
        assertThat(engine.find(running.requestId()).orElseThrow().completedAtMillis())
                .isEqualTo(clock.nowMillis());

        assertThat(engine.cancel("no-such-id")).isEqualTo(CancelOutcome.NOT_FOUND);
    }

    @Test
    void forgottenCancelledRequestsAreGone() {
        QueueEngine engine = engine(0, true);
        JobSnapshot queued = engine.submit(request("{}"), null);
        engine.cancel(queued.requestId());
        assertThat(engine.find(queued.requestId())).isEmpty();
        assertThat(engine.cancel(queued.requestId())).isEqualTo(CancelOutcome.NOT_FOUND);
    }

    @Test
    void jobFaultsStuckFailAndIgnoredCancel() {
        QueueEngine engine = engine(0, false);
        JobSnapshot stuck = engine.submit(
                new SubmitRequest(MODEL, input("{}"), null, null, new JobFaults(true, null, false)), null);
        JobSnapshot failing = engine.submit(
                new SubmitRequest(MODEL, input("{}"), null, null, new JobFaults(false, "runner_disconnected", false)),
                null);
        JobSnapshot stubborn = engine.submit(
                new SubmitRequest(MODEL, input("{}"), null, null, new JobFaults(false, null, true)), null);
        assertThat(engine.cancel(stubborn.requestId())).isEqualTo(CancelOutcome.CANCELLATION_REQUESTED);
        clock.advance(Duration.ofDays(1));

        assertThat(engine.find(stuck.requestId()).orElseThrow().status()).isEqualTo(JobStatus.IN_QUEUE);
        JobSnapshot failed = engine.find(failing.requestId()).orElseThrow();
        assertThat(failed.failure().errorType()).isEqualTo("runner_disconnected");
        assertThat(failed.failure().httpStatus()).isEqualTo(503);
        assertThat(failed.failure().statusError()).isEqualTo("Runner disconnected");
        assertThat(failed.inferenceSeconds())
                .as("dies half way through the 100 s run")
                .isEqualTo(50.0);
        assertThat(engine.find(stubborn.requestId()).orElseThrow().succeeded()).isTrue();
    }

    @Test
    void listenersSeeEveryChangeInOrderAndEndWithCompleted() {
        QueueEngine engine = engine(0, false);
        JobSnapshot job = engine.submit(request("{}"), null);
        List<String> seen = new ArrayList<>();
        engine.watch(job.requestId(), s -> seen.add(s.status() + ":" + s.logs().size()));
        clock.advance(Duration.ofMinutes(5));
        engine.advance();
        assertThat(seen)
                .containsExactly(
                        "IN_QUEUE:0",
                        "IN_PROGRESS:1",
                        "IN_PROGRESS:2",
                        "IN_PROGRESS:3",
                        "IN_PROGRESS:4",
                        "IN_PROGRESS:5",
                        "COMPLETED:6");

        List<String> late = new ArrayList<>();
        engine.watch(job.requestId(), s -> late.add(s.status().name()));
        assertThat(late).containsExactly("COMPLETED");
    }

    @Test
    void requestIdsAreUuidV7ShapedAndRepeatableWithTheSameSeed() {
        RequestIds a = new RequestIds(3);
        RequestIds b = new RequestIds(3);
        String id = a.next(1_700_000_000_000L);
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(b.next(1_700_000_000_000L)).isEqualTo(id);
        assertThat(java.util.UUID.fromString(id).version()).isEqualTo(7);
    }

    @Test
    void completedJobsAreForgottenAfterTheRetentionPeriod() {
        QueueEngine engine = new QueueEngine(
                clock, new RequestIds(7), new QueueEngine.Settings(0, false, Duration.ofHours(1)), counters);
        JobSnapshot job = engine.submit(request("{}"), null);
        clock.advance(Duration.ofSeconds(110));
        assertThat(engine.find(job.requestId()).orElseThrow().completed()).isTrue();
        clock.advance(Duration.ofMinutes(60));
        assertThat(engine.find(job.requestId()))
                .as("exactly one hour after completion")
                .isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(engine.find(job.requestId())).isEmpty();
        assertThat(engine.cancel(job.requestId())).isEqualTo(CancelOutcome.NOT_FOUND);
    }
}
