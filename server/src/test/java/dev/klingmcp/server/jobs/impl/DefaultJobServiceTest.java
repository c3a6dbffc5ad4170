package dev.klingmcp.server.jobs.impl;

import static dev.klingmcp.server.jobs.impl.JobServiceFixture.PRO;
import static dev.klingmcp.server.jobs.impl.JobServiceFixture.STANDARD;
import static dev.klingmcp.server.jobs.impl.JobServiceFixture.proInput;
import static dev.klingmcp.server.jobs.impl.JobServiceFixture.standardInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.server.jobs.CancelView;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobFilter;
import dev.klingmcp.server.jobs.JobList;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.ResultView;
import dev.klingmcp.server.jobs.StatusUpdate;
import dev.klingmcp.server.jobs.SubmitCommand;
import dev.klingmcp.server.jobs.SubmitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The job service against the real mock-fal: the life of a job, as the MCP tools drive it. */
class DefaultJobServiceTest {

    @RegisterExtension
    static final JobServiceFixture fx = JobServiceFixture.perClass();

    DefaultJobService jobs;

    @BeforeEach
    void open() {
        jobs = fx.openForTest();
    }

    @Test
    void aDryRunPricesTheInputAndTouchesNeitherFalNorTheLedger() {
        SubmitResult r = jobs.submit(new SubmitCommand(PRO, proInput(), null, true, null));
        assertThat(r.dryRun()).isTrue();
        assertThat(r.job()).isNull();
        assertThat(r.estimate().usd()).isEqualTo(1.79);
        assertThat(r.estimate().basis()).isEqualTo("8 s × $0.224/s (o3/pro/reference-to-video, audio off) = $1.79");
        assertThat(fx.attempts(PRO)).isZero();
        assertThat(jobs.list(JobFilter.all()).jobs()).noneMatch(j -> j.input().equals(proInput()));
    }

    @Test
    void invalidInputIsRefusedBeforeAnyNetworkCallAndLeavesNoRow() {
        ObjectNode bad = standardInput("x");
        bad.put("duration", "20");
        bad.put("negative_prompt", "blurry");
        int before = jobs.list(JobFilter.all()).totals().count();
        assertThatThrownBy(() -> jobs.submit(SubmitCommand.of(STANDARD, bad)))
                .isInstanceOf(JobException.class)
                .satisfies(e -> {
                    JobException j = (JobException) e;
                    assertThat(j.kind()).isEqualTo(JobException.Kind.INVALID_INPUT);
                    assertThat(j.getMessage()).contains("/duration").contains("negative_prompt");
                });
        assertThat(fx.attempts(STANDARD)).isZero();
        assertThat(jobs.list(JobFilter.all()).totals().count()).isEqualTo(before);
    }

    @Test
    void aJobGoesFromSubmitThroughTheStreamToADownloadedVideo() throws Exception {
        SubmitResult submitted = jobs.submit(SubmitCommand.of(STANDARD, standardInput("a cat walks along a wall")));
        JobView job = submitted.job();
        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.jobId()).isEqualTo(job.requestId()).isNotNull();
        assertThat(job.localId()).startsWith("local-");
        assertThat(job.history()).extracting(c -> c.state()).containsExactly(JobState.SUBMITTING, JobState.QUEUED);
        assertThat(job.eta()).isPositive();
        assertThat(fx.accepted(STANDARD)).isEqualTo(1);

        JobView status = jobs.status(job.jobId());
        assertThat(status.state()).isEqualTo(JobState.QUEUED);
        assertThat(status.falStatus()).isEqualTo("IN_QUEUE");
        assertThat(status.queuePosition()).isZero();

        List<StatusUpdate> updates = new CopyOnWriteArrayList<>();
        JobView done = fx.awaitWhileAdvancing(jobs, job.jobId(), Duration.ofSeconds(60), updates::add);
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.video().url()).startsWith(fx.mock.baseUrl());
        assertThat(done.eta()).isNull();
        assertThat(updates)
                .extracting(StatusUpdate::sequence)
                .startsWith(1, 2, 3)
                .isSorted();
        assertThat(updates).extracting(u -> u.job().state()).contains(JobState.RUNNING);
        assertThat(updates.stream().flatMap(u -> u.newLogs().stream()).toList()).doesNotHaveDuplicates();
        assertThat(done.history())
                .extracting(c -> c.state())
                .containsSubsequence(JobState.SUBMITTING, JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED);

        ResultView first = jobs.result(job.jobId(), true);
        assertThat(first.outcome()).isEqualTo(ResultView.Outcome.READY);
        Path saved = Path.of(first.download().path());
        assertThat(saved).startsWith(fx.config.outputDir()).exists();
        assertThat(first.download().sha256()).isEqualTo(ResultFetcher.sha256(saved));
        assertThat(first.download().size()).isEqualTo(Files.size(saved));
        assertThat(first.download().reused()).isFalse();
        assertThat(first.job().localPath()).isEqualTo(saved.toString());

        ResultView again = jobs.result(job.localId(), true);
        assertThat(again.download().reused()).isTrue();
        assertThat(again.download().sha256()).isEqualTo(first.download().sha256());
    }

    @Test
    void aJobThatFailsOnFalCarriesFalsError() throws Exception {
        fx.mock.control().setFaults(FaultPlan.parse("job=fail:runner_disconnected"));
        JobView job =
                jobs.submit(SubmitCommand.of(STANDARD, standardInput("fails"))).job();
        fx.mock.control().advanceClock(Duration.ofMinutes(5));
        JobView after = jobs.status(job.jobId());
        assertThat(after.state()).isEqualTo(JobState.FAILED);
        assertThat(after.error().errorType()).isEqualTo("runner_disconnected");
        ResultView r = jobs.result(job.jobId(), true);
        assertThat(r.outcome()).isEqualTo(ResultView.Outcome.FAILED);
        assertThat(r.error()).isNotNull();
        assertThat(r.download()).isNull();
    }

    @Test
    void resultOfAnUnfinishedJobSaysSo() {
        JobView job = jobs.submit(SubmitCommand.of(STANDARD, standardInput("still queued")))
                .job();
        ResultView r = jobs.result(job.jobId(), true);
        assertThat(r.outcome()).isEqualTo(ResultView.Outcome.NOT_FINISHED);
        assertThat(r.job().state()).isEqualTo(JobState.QUEUED);
    }

    @Test
    void cancelOutcomes() {
        JobView queued = jobs.submit(SubmitCommand.of(STANDARD, standardInput("cancel me")))
                .job();
        CancelView c = jobs.cancel(queued.jobId());
        assertThat(c.outcome()).isEqualTo(CancelView.Outcome.CANCELLATION_REQUESTED);
        assertThat(c.job().state()).isEqualTo(JobState.CANCELLED);
        assertThat(jobs.result(queued.jobId(), false).outcome()).isEqualTo(ResultView.Outcome.CANCELLED);

        JobView done = jobs.submit(SubmitCommand.of(STANDARD, standardInput("finish me")))
                .job();
        fx.mock.control().advanceClock(Duration.ofMinutes(5));
        assertThat(jobs.cancel(done.jobId()).outcome()).isEqualTo(CancelView.Outcome.ALREADY_COMPLETED);
        assertThat(jobs.status(done.jobId()).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(jobs.cancel(done.jobId()).outcome()).isEqualTo(CancelView.Outcome.ALREADY_COMPLETED);

        CancelView none = jobs.cancel("no-such-job");
        assertThat(none.outcome()).isEqualTo(CancelView.Outcome.NOT_FOUND);
        assertThat(none.job()).isNull();
    }

    @Test
    void unknownIdsAreNotFoundWithAHint() {
        assertThatThrownBy(() -> jobs.status("nope"))
                .isInstanceOf(JobException.class)
                .satisfies(e -> assertThat(((JobException) e).kind()).isEqualTo(JobException.Kind.NOT_FOUND))
                .hasMessageContaining("list_jobs");
        assertThat(jobs.find("nope")).isEmpty();
    }

    @Test
    void listFiltersByModelStateAndTimeWithTotals() {
        fx.clock.advance(Duration.ofSeconds(1));
        Instant start = fx.clock.instant();
        JobView a =
                jobs.submit(SubmitCommand.of(STANDARD, standardInput("one"))).job();
        fx.clock.advance(Duration.ofSeconds(1));
        JobView b = jobs.submit(SubmitCommand.of(PRO, proInput())).job();
        JobList pro = jobs.list(new JobFilter(Set.of(), PRO, start, 10));
        assertThat(pro.jobs()).extracting(JobView::jobId).containsExactly(b.jobId());
        assertThat(pro.totals().estimatedUsd()).isEqualTo(1.79);
        assertThat(pro.totals().pendingUsd()).isEqualTo(1.79);
        JobList recent = jobs.list(new JobFilter(Set.of(JobState.QUEUED), null, start, 10));
        assertThat(recent.jobs()).extracting(JobView::jobId).containsExactly(b.jobId(), a.jobId());
        assertThat(jobs.completeJobIds(a.jobId().substring(0, 8), 5)).contains(a.jobId());
    }

    @Test
    void sameClientKeyNeverSubmitsTwice() {
        SubmitResult first = jobs.submit(new SubmitCommand(STANDARD, standardInput("idem"), null, false, "retry-1"));
        ObjectNode reordered = JobServiceFixture.JSON.createObjectNode();
        reordered.put("duration", "3");
        reordered.put("image_url", "https://example.com/cat.png");
        reordered.put("prompt", "idem");
        SubmitResult second = jobs.submit(new SubmitCommand(STANDARD, reordered, null, false, "retry-1"));
        assertThat(second.reused()).isTrue();
        assertThat(second.job().jobId()).isEqualTo(first.job().jobId());
        assertThat(fx.accepted(STANDARD)).isEqualTo(1);
        SubmitResult other = jobs.submit(new SubmitCommand(STANDARD, standardInput("idem"), null, false, "retry-2"));
        assertThat(other.reused()).isFalse();
        assertThat(fx.accepted(STANDARD)).isEqualTo(2);
    }

    @Test
    void anAllowedFileIsUploadedToFalStorageAndServedBack() throws Exception {
        byte[] png = new byte[3000];
        new java.util.Random(3).nextBytes(png);
        Path face = Files.write(fx.dir.resolve("uploads/face.png"), png);
        var up = jobs.upload(Path.of("face.png"));
        assertThat(up.contentType()).isEqualTo("image/png");
        assertThat(up.size()).isEqualTo(3000);
        assertThat(up.parts()).isEqualTo(1);
        var http = java.net.http.HttpClient.newHttpClient();
        var got = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(up.url()))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(Files.readAllBytes(face));
    }

    @Test
    void uploadsAreCheckedBeforeAnyNetworkCall() throws Exception {
        Path outside = Files.writeString(fx.dir.resolve("outside.png"), "x");
        assertThatThrownBy(() -> jobs.upload(outside))
                .isInstanceOf(JobException.class)
                .hasMessageContaining("inside the folders uploads may read from")
                .satisfies(e -> assertThat(((JobException) e).kind()).isEqualTo(JobException.Kind.INVALID_INPUT));
        Path big = fx.dir.resolve("uploads/big.png");
        try (var f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(10L * 1024 * 1024 + 1); // sparse: no 10 MiB written
        }
        assertThatThrownBy(() -> jobs.upload(Path.of("big.png"))).hasMessageContaining("up to 10.0 MiB");
        Path text = Files.writeString(fx.dir.resolve("uploads/notes.txt"), "hello");
        assertThatThrownBy(() -> jobs.upload(text)).hasMessageContaining("not an image or video");
        Path link = fx.dir.resolve("uploads/link.png");
        Files.createSymbolicLink(link, outside);
        assertThatThrownBy(() -> jobs.upload(link)).hasMessageContaining("inside the folders uploads may read from");
        assertThatThrownBy(() -> jobs.upload(Path.of("missing.png")))
                .hasMessageContaining("inside the folders uploads may read from");
    }

    @Test
    void missingAndOutsideFilesGetTheSameAnswer() throws Exception {
        Files.writeString(fx.dir.resolve("exists.png"), "x");
        Path inRoot = fx.dir.resolve("uploads");
        String existing = messageOf(() -> jobs.upload(inRoot.resolve("../exists.png")));
        String missing = messageOf(() -> jobs.upload(inRoot.resolve("../missing.png")));
        assertThat(existing.replace("exists.png", "X")).isEqualTo(missing.replace("missing.png", "X"));
        assertThat(existing).doesNotContain(fx.dir.toRealPath().toString() + "/exists.png");
    }

    @Test
    void aHardLinkToAFileOutsideTheRootsIsRefused() throws Exception {
        Path outside = Files.writeString(fx.dir.resolve("secret.png"), "not for upload");
        Path link = Files.createLink(fx.dir.resolve("uploads/innocent.png"), outside);
        assertThatThrownBy(() -> jobs.upload(link))
                .isInstanceOf(JobException.class)
                .hasMessageContaining("more than one hard link");
    }

    private static String messageOf(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        try {
            call.call();
        } catch (Throwable t) {
            return t.getMessage();
        }
        throw new AssertionError("no failure");
    }
}
