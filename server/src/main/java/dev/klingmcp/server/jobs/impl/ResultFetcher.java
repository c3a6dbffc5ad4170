package dev.klingmcp.server.jobs.impl;

import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.server.fal.CallDeadline;
import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.fal.FalGateway;
import dev.klingmcp.server.fal.FalOutput;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.ResultView;
import dev.klingmcp.server.jobs.StateChange;
import dev.klingmcp.server.jobs.VideoFile;
import dev.klingmcp.server.ledger.JobLedger;
import dev.klingmcp.server.ledger.JobRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Settles completed jobs (the result GET decides between SUCCEEDED and FAILED, and its output is kept in the ledger at
 * once: fal keeps results for about an hour) and saves outputs to disk.
 */
final class ResultFetcher {

    private final FalGateway gateway;
    private final JobLedger ledger;
    private final Path outputDir;

    /** The downloads under way, by local job id: one per job at a time. */
    private final ConcurrentHashMap<String, CompletableFuture<ResultView.Download>> downloading =
            new ConcurrentHashMap<>();

    ResultFetcher(FalGateway gateway, JobLedger ledger, Path outputDir) {
        this.gateway = gateway;
        this.ledger = ledger;
        this.outputDir = outputDir;
    }

    /**
     * Fetches the result of a job fal reported COMPLETED. A 4xx (e.g. 422 detail) makes the job FAILED with fal's error;
     * a network problem, a 408/429 or a 5xx leaves it as it was so the next call tries again.
     */
    JobRecord settle(JobRecord r, FalEndpoint endpoint) {
        try {
            FalOutput out = gateway.result(endpoint, r.requestId());
            return ledger.update(
                            r.localId(),
                            b -> b.state(JobState.SUCCEEDED).result(LedgerJson.write(out.raw())),
                            "result fetched")
                    .orElseThrow();
        } catch (FalException e) {
            // 408 and 429 say "not now" about the fetch itself, not about the job: fetched again on the next call.
            if (e.kind() == FalException.Kind.HTTP
                    && e.status() >= 400
                    && e.status() < 500
                    && e.status() != 408
                    && e.status() != 429) {
                return ledger.update(
                                r.localId(),
                                b -> b.state(JobState.FAILED).error(LedgerJson.write(Failures.jobError(e))),
                                "fal answered the result with HTTP " + e.status())
                        .orElseThrow();
            }
            return r;
        }
    }

    /** Saves the video (reusing an earlier download whose digest still matches) and records path and sha256. */
    ResultView.Download download(JobRecord r, VideoFile video) {
        if (r.localPath() != null && r.sha256() != null) {
            Path existing = Path.of(r.localPath());
            if (Files.isRegularFile(existing) && r.sha256().equals(sha256(existing))) {
                return new ResultView.Download(existing.toString(), size(existing), r.sha256(), true);
            }
        }
        CompletableFuture<ResultView.Download> mine = new CompletableFuture<>();
        CompletableFuture<ResultView.Download> running = downloading.putIfAbsent(r.localId(), mine);
        if (running != null) {
            // A call cut by its deadline left its download running: the retry waits for that one instead of starting
            // another beside it (on a slow link each retry's copy would share the bandwidth and none would finish).
            return awaitRunning(running, r);
        }
        try {
            ResultView.Download saved = save(r, video);
            mine.complete(saved);
            return saved;
        } catch (RuntimeException | Error e) {
            // Every outcome completes the future: a waiter without a call deadline (the CLI) would wait forever.
            mine.completeExceptionally(e);
            throw e;
        } finally {
            downloading.remove(r.localId(), mine);
        }
    }

    private static ResultView.Download awaitRunning(CompletableFuture<ResultView.Download> running, JobRecord r) {
        Duration left = CallDeadline.remainingHere();
        try {
            // A little past this call's deadline: the call has answered by then (timed_out), so nothing waits longer.
            return left == null
                    ? running.get()
                    : running.get(left.plusSeconds(1).toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw JobException.unreachable(
                            "the video of " + r.publicId() + " is still being downloaded (an earlier call started it)",
                            0,
                            e)
                    .forJob(r.publicId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the download of " + r.publicId(), e);
        }
    }

    private ResultView.Download save(JobRecord r, VideoFile video) {
        Path target = outputDir.resolve(fileName(r, video)).toAbsolutePath();
        FalGateway.DownloadedFile saved;
        try {
            saved = gateway.download(video.url(), target);
        } catch (FalException e) {
            if (expired(e)) {
                throw JobException.falError(expiredMessage(r, e.status()), e.status(), e)
                        .forJob(r.publicId());
            }
            throw Failures.fromFal(
                            "downloading the video of " + r.publicId()
                                    + " failed (fal keeps outputs for a limited time)",
                            e)
                    .forJob(r.publicId());
        } catch (UncheckedIOException e) {
            throw JobException.localIo(
                    "cannot save the video under " + outputDir + ": "
                            + e.getCause().getMessage(),
                    e);
        }
        ledger.update(r.localId(), b -> b.download(saved.path().toString(), saved.sha256()), "downloaded");
        return new ResultView.Download(saved.path().toString(), saved.size(), saved.sha256(), false);
    }

    /** How a media CDN answers for a URL whose time is up: forbidden (signature expired), not found, or gone. */
    static boolean expired(FalException e) {
        return e.kind() == FalException.Kind.HTTP && (e.status() == 403 || e.status() == 404 || e.status() == 410);
    }

    /** Says the URL has expired, when it was fetched, and which local copy (path + sha256) is the video now. */
    static String expiredMessage(JobRecord r, int status) {
        Instant fetched = r.history().stream()
                .filter(c -> c.state() == JobState.SUCCEEDED)
                .map(StateChange::at)
                .findFirst()
                .orElse(r.finishedAt());
        StringBuilder m = new StringBuilder("the video URL of job ")
                .append(r.publicId())
                .append(" no longer answers (HTTP ")
                .append(status)
                .append("): fal's media URLs expire, and this one was fetched from fal at ")
                .append(fetched)
                .append(". ");
        if (r.localPath() != null && r.sha256() != null) {
            Path copy = Path.of(r.localPath());
            m.append("The local copy is the one to use: ")
                    .append(copy)
                    .append(" (sha256 ")
                    .append(r.sha256())
                    .append(")");
            m.append(
                    Files.isRegularFile(copy)
                            ? ", but that file has changed since it was saved: a file with that sha256 is the video."
                            : ", but that file is no longer there: if it was moved, a file with that sha256 is the"
                                    + " video.");
        } else {
            m.append("No local copy was saved, so this video cannot be downloaded any more; next time pass"
                    + " download: true as soon as a job succeeds.");
        }
        return m.toString();
    }

    /** {@code <request id>-<fal's file name>}, reduced to characters safe in any file system. */
    static String fileName(JobRecord r, VideoFile video) {
        String name = video.fileName() == null || video.fileName().isBlank() ? "output.mp4" : video.fileName();
        String safe = (r.publicId() + "-" + name).replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.startsWith(".") ? "_" + safe : safe;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw JobException.localIo("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    static String sha256(Path p) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(p), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of()
                    .formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
