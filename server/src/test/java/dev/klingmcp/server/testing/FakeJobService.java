package dev.klingmcp.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.Violation;
import dev.klingmcp.server.jobs.CancelView;
import dev.klingmcp.server.jobs.CostEstimate;
import dev.klingmcp.server.jobs.JobError;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobFilter;
import dev.klingmcp.server.jobs.JobList;
import dev.klingmcp.server.jobs.JobService;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.LogLine;
import dev.klingmcp.server.jobs.ResultView;
import dev.klingmcp.server.jobs.StatusListener;
import dev.klingmcp.server.jobs.StatusUpdate;
import dev.klingmcp.server.jobs.SubmitCommand;
import dev.klingmcp.server.jobs.SubmitResult;
import dev.klingmcp.server.jobs.UploadView;
import dev.klingmcp.server.jobs.VideoFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory {@link JobService} for the tool-layer tests: no network, no clock. A job's life is a fixed script that
 * {@link #await} plays instantly (queued 2 -> queued 1 -> running with logs -> succeeded), unless the job was marked
 * to fail. Counts submits so tests can prove refused input never reached it.
 */
public final class FakeJobService implements JobService {

    private final Map<String, JobView> jobs = new ConcurrentHashMap<>();

    private final AtomicInteger ids = new AtomicInteger();

    private final AtomicInteger submits = new AtomicInteger();

    private final List<SubmitCommand> commands = new ArrayList<>();

    private final Path downloads;

    private volatile boolean failNext;

    public FakeJobService(Path downloads) {
        this.downloads = downloads;
    }

    /** Non-dry-run submits that reached this service. */
    public int submits() {
        return submits.get();
    }

    public synchronized List<SubmitCommand> commands() {
        return List.copyOf(commands);
    }

    /** The next submitted job will end FAILED with a fal-style 422 detail. */
    public void failNext() {
        failNext = true;
    }

    @Override
    public List<Violation> urlProblems(JsonNode input) {
        return List.of(); // the fake submits nowhere: every URL is as good as another
    }

    @Override
    public CostEstimate estimate(FalEndpoint endpoint, ObjectNode input) {
        int seconds = Integer.parseInt(input.path("duration").asText("5"));
        if (input.path("multi_prompt").isArray() && !input.has("duration")) {
            seconds = 0;
            for (JsonNode shot : input.get("multi_prompt")) {
                seconds += Integer.parseInt(shot.path("duration").asText("5"));
            }
        }
        boolean audio = input.path("generate_audio").asBoolean(false);
        double rate = endpoint.pricing().perSecond(audio);
        double usd = Math.round(seconds * rate * 100) / 100.0;
        return new CostEstimate(
                usd,
                seconds,
                audio,
                rate,
                seconds + " s × $" + rate + "/s (" + endpoint.shortName() + (audio ? ", audio on)" : ", audio off)"),
                "default");
    }

    @Override
    public synchronized SubmitResult submit(SubmitCommand command) {
        CostEstimate estimate = estimate(command.endpoint(), command.input());
        if (command.dryRun()) {
            return new SubmitResult(null, estimate, true, false);
        }
        submits.incrementAndGet();
        commands.add(command);
        String id = "req-" + ids.incrementAndGet();
        Instant now = Instant.parse("2026-11-21T10:00:00Z").plusSeconds(ids.get());
        JobError error = failNext
                ? new JobError(
                        "prompt: String should have at most 2500 characters",
                        "string_too_long",
                        422,
                        dev.klingmcp.server.tools.ToolJson.MAPPER
                                .createArrayNode()
                                .add(dev.klingmcp.server.tools.ToolJson.object()
                                        .put("msg", "too long")
                                        .put("type", "string_too_long")))
                : null;
        failNext = false;
        JobView job = JobViewFixtures.accepted(
                id, command.endpoint().id(), command.input(), estimate, now, error, command.webhookUrl());
        jobs.put(id, job);
        return new SubmitResult(job, estimate, false, false);
    }

    @Override
    public JobView status(String jobId) {
        return require(jobId);
    }

    @Override
    public JobView await(String jobId, Duration max, StatusListener listener) {
        JobView job = require(jobId);
        if (job.state().isTerminal()) {
            return job;
        }
        if (Thread.currentThread().getName().startsWith("job-watcher")) {
            // Background followers only see what the foreground calls play, like a second SSE client would.
            return awaitTerminal(jobId, max, listener);
        }
        int seq = 0;
        job = JobViewFixtures.progressed(
                job, JobState.QUEUED, "IN_QUEUE", 1, List.of(), Duration.ofSeconds(5), Duration.ofSeconds(295));
        listener.onUpdate(new StatusUpdate(job, List.of(), ++seq));
        List<LogLine> logs = List.of(
                new LogLine("Generating video... 40%", "INFO", "USER", "2026-11-21T10:01:00"),
                new LogLine("Generating video... 90%", "INFO", "USER", "2026-11-21T10:02:00"));
        job = JobViewFixtures.progressed(
                job,
                JobState.RUNNING,
                "IN_PROGRESS",
                null,
                logs.subList(0, 1),
                Duration.ofSeconds(60),
                Duration.ofSeconds(200));
        listener.onUpdate(new StatusUpdate(job, logs.subList(0, 1), ++seq));
        job = JobViewFixtures.progressed(
                job, JobState.RUNNING, "IN_PROGRESS", null, logs, Duration.ofSeconds(200), Duration.ofSeconds(40));
        listener.onUpdate(new StatusUpdate(job, logs.subList(1, 2), ++seq));
        boolean failed = job.error() != null;
        job = JobViewFixtures.progressed(
                job,
                failed ? JobState.FAILED : JobState.SUCCEEDED,
                "COMPLETED",
                null,
                logs,
                Duration.ofMinutes(4),
                null);
        listener.onUpdate(new StatusUpdate(job, List.of(), ++seq));
        put(job);
        return job;
    }

    private JobView awaitTerminal(String jobId, Duration max, StatusListener listener) {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (jobs) {
            JobView job = jobs.get(jobId);
            while (!job.state().isTerminal() && System.nanoTime() < deadline) {
                try {
                    jobs.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return job;
                }
                job = jobs.get(jobId);
            }
            if (job.state().isTerminal()) {
                listener.onUpdate(new StatusUpdate(job, List.of(), 1));
            }
            return job;
        }
    }

    private void put(JobView job) {
        synchronized (jobs) {
            jobs.put(job.jobId(), job);
            jobs.notifyAll();
        }
    }

    @Override
    public ResultView result(String jobId, boolean download) {
        JobView job = require(jobId);
        switch (job.state()) {
            case SUCCEEDED -> {
                VideoFile video =
                        new VideoFile("http://127.0.0.1:1/cdn/" + jobId + ".mp4", "video/mp4", "output.mp4", 12L);
                ResultView.Download saved = null;
                if (download) {
                    saved = save(jobId);
                }
                JobView updated = JobViewFixtures.withResult(
                        job, video, saved == null ? null : saved.path(), saved == null ? null : saved.sha256(), 17.5);
                jobs.put(jobId, updated);
                return new ResultView(updated, ResultView.Outcome.READY, video, saved, null);
            }
            case FAILED -> {
                return new ResultView(job, ResultView.Outcome.FAILED, null, null, job.error());
            }
            case CANCELLED -> {
                return new ResultView(job, ResultView.Outcome.CANCELLED, null, null, null);
            }
            default -> {
                return new ResultView(job, ResultView.Outcome.NOT_FINISHED, null, null, null);
            }
        }
    }

    private ResultView.Download save(String jobId) {
        try {
            Files.createDirectories(downloads);
            Path file = downloads.resolve(jobId + ".mp4");
            byte[] bytes = ("fake mp4 " + jobId).getBytes(StandardCharsets.UTF_8);
            Files.write(file, bytes);
            String sha = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            return new ResultView.Download(file.toAbsolutePath().toString(), bytes.length, sha, false);
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw JobException.localIo(e.toString(), e);
        }
    }

    @Override
    public CancelView cancel(String jobId) {
        JobView job = jobs.get(jobId);
        if (job == null) {
            return new CancelView(null, CancelView.Outcome.NOT_FOUND, "fal does not know request " + jobId);
        }
        if (job.state().isTerminal()) {
            return new CancelView(job, CancelView.Outcome.ALREADY_COMPLETED, "the job already finished");
        }
        JobView cancelled =
                JobViewFixtures.progressed(job, JobState.CANCELLED, "COMPLETED", null, job.logs(), job.elapsed(), null);
        put(cancelled);
        return new CancelView(cancelled, CancelView.Outcome.CANCELLATION_REQUESTED, "cancellation requested");
    }

    @Override
    public JobList list(JobFilter filter) {
        List<JobView> all = jobs.values().stream()
                .filter(j -> filter.states() == null
                        || filter.states().isEmpty()
                        || filter.states().contains(j.state()))
                .filter(j -> filter.model() == null || filter.model().id().equals(j.model()))
                .filter(j -> filter.since() == null || !j.createdAt().isBefore(filter.since()))
                .sorted(Comparator.comparing(JobView::createdAt).reversed())
                .toList();
        double total = all.stream().mapToDouble(j -> j.estimate().usd()).sum();
        double succeeded = all.stream()
                .filter(j -> j.state() == JobState.SUCCEEDED)
                .mapToDouble(j -> j.estimate().usd())
                .sum();
        double pending = all.stream()
                .filter(j -> !j.state().isTerminal())
                .mapToDouble(j -> j.estimate().usd())
                .sum();
        return new JobList(
                all.stream().limit(filter.effectiveLimit()).toList(),
                new JobList.CostTotals(all.size(), total, succeeded, pending));
    }

    @Override
    public Optional<JobView> find(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    private final java.util.Set<String> deliveries = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public boolean firstWebhookDelivery(String signature, java.time.Instant expiresAt) {
        return deliveries.add(signature);
    }

    @Override
    public List<String> completeJobIds(String prefix, int limit) {
        return jobs.keySet().stream()
                .filter(id -> id.startsWith(prefix))
                .sorted()
                .limit(limit)
                .toList();
    }

    @Override
    public UploadView upload(Path file) {
        if (!Files.isRegularFile(file)) {
            throw JobException.invalidInput("/path", "no such file: " + file, "a file under the upload roots");
        }
        try {
            return new UploadView(
                    "http://127.0.0.1:1/files/" + file.getFileName(),
                    file.getFileName().toString(),
                    "image/png",
                    Files.size(file),
                    1);
        } catch (IOException e) {
            throw JobException.localIo(e.toString(), e);
        }
    }

    @Override
    public void close() {}

    private JobView require(String jobId) {
        JobView job = jobs.get(jobId);
        if (job == null) {
            throw JobException.notFound("no job with id " + jobId + "; list_jobs shows known jobs");
        }
        return job;
    }
}
