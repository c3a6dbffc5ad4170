package dev.klingmcp.contract.mcp;

import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.mock.queue.JobSnapshot;
import dev.klingmcp.mock.queue.JobStatus;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Moves a manual-clock mock-fal through a job's life in small, observable steps. The mock's time stands still until
 * told, so a test decides exactly when a job leaves the queue, logs, and completes; the server under test follows the
 * mock's SSE stream in real time, so after each step the driver may wait (bounded) for the server to react before the
 * next one. The waits pace the run; they assert nothing, so a slow machine cannot turn them into failures.
 */
final class ClockDriver {

    /** Steps per job: enough for queue → several "Generating video… n%" log lines → completion. */
    static final int STEPS = 12;

    private static final Duration PACE_LIMIT = Duration.ofSeconds(3);

    private final MockFal mock;

    ClockDriver(MockFal mock) {
        this.mock = mock;
    }

    /**
     * The mock every MCP suite runs against: manual clock, accepting only the leak-check key, and one storage folder
     * per build so the MP4s it renders for a (duration, aspect) are encoded once for all suites.
     */
    static MockFalOptions options(MockFalOptions options) {
        return options.setManualClock(true)
                .addApiKey(SecretScan.FAL_KEY)
                .setSeed(7)
                .setStorageDir(Path.of(System.getProperty("contract.mockStorageDir", "target/mcp-mock-fal"))
                        .toAbsolutePath());
    }

    /** A mock with {@link #options}, not behind the contract-checking proxy. */
    static MockFal startMock() {
        return MockFal.start(options(new MockFalOptions()));
    }

    JobSnapshot job(String requestId) {
        return mock.control().job(requestId).orElseThrow(() -> new AssertionError("mock-fal has no job " + requestId));
    }

    /** The endpoint's typical queue + run time for the job's duration: the simulated span of one whole job. */
    static Duration typicalSpan(String endpointId, int videoSeconds) {
        FalEndpoint endpoint = FalEndpoints.load().find(endpointId).orElseThrow();
        double seconds = endpoint.timing().queueSeconds() + endpoint.timing().runSecondsPer5s() * videoSeconds / 5.0;
        return Duration.ofMillis((long) Math.ceil(seconds * 1000));
    }

    /**
     * Advances in about {@link #STEPS} steps until the job is COMPLETED. After each step that changed what fal reports
     * (status, queue position, a log line), waits until {@code reactions} grows (e.g. the client's count of progress
     * notifications) or a few seconds pass, so the server sees every change before the next one; null = no pacing.
     */
    JobSnapshot complete(String requestId, IntSupplier reactions) {
        JobSnapshot job = job(requestId);
        Duration step = typicalSpan(job.endpointId(), job.videoSeconds())
                .dividedBy(STEPS)
                .plusMillis(1);
        for (int i = 0; i < STEPS * 4 && !job.completed(); i++) {
            int before = reactions == null ? 0 : reactions.getAsInt();
            JobSnapshot previous = job;
            mock.control().advanceClock(step);
            job = job(requestId);
            if (reactions != null && changed(previous, job)) {
                pace(() -> reactions.getAsInt() > before);
            }
        }
        if (!job.completed()) {
            throw new AssertionError("job " + requestId + " did not complete after " + STEPS * 4 + " steps: " + job);
        }
        return job;
    }

    /** Completes a job without pacing (nothing is watching it). */
    JobSnapshot complete(String requestId) {
        return complete(requestId, null);
    }

    private static boolean changed(JobSnapshot before, JobSnapshot after) {
        return before.status() != after.status()
                || before.queuePosition() != after.queuePosition()
                || before.logs().size() != after.logs().size();
    }

    /** Advances until the job is at least {@code status} (or COMPLETED). */
    JobSnapshot advanceTo(String requestId, JobStatus status) {
        JobSnapshot job = job(requestId);
        Duration step = typicalSpan(job.endpointId(), job.videoSeconds())
                .dividedBy(STEPS * 4L)
                .plusMillis(1);
        for (int i = 0; i < STEPS * 16 && job.status().compareTo(status) < 0; i++) {
            mock.control().advanceClock(step);
            job = job(requestId);
        }
        return job;
    }

    /** Waits (bounded, by polling) until {@code condition} holds or the pace limit passes. Never fails. */
    static void pace(BooleanSupplier condition) {
        long deadline = System.nanoTime() + PACE_LIMIT.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
