package dev.klingmcp.server.jobs.impl;

import static dev.klingmcp.server.jobs.impl.JobServiceFixture.STANDARD;
import static dev.klingmcp.server.jobs.impl.JobServiceFixture.standardInput;
import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.JobView;
import dev.klingmcp.server.jobs.ResultView;
import dev.klingmcp.server.jobs.StatusListener;
import dev.klingmcp.server.jobs.SubmitCommand;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@code result(download: true)} cut by its deadline leaves its download running; the agent is told to call again,
 * and that call must wait for the running download, not start a second one beside it (on a slow link, every retry's
 * copy would share the bandwidth and none would finish in time).
 */
@Timeout(60)
class OneDownloadPerJobTest {

    @RegisterExtension
    static final JobServiceFixture fx = JobServiceFixture.perClass();

    @Test
    void aSecondDownloadOfTheSameJobWaitsForTheOneUnderWay() throws Exception {
        DefaultJobService jobs = fx.openForTest();
        JobView job = jobs.submit(SubmitCommand.of(STANDARD, standardInput("downloaded once")))
                .job();
        JobView done = fx.awaitWhileAdvancing(jobs, job.jobId(), Duration.ofSeconds(30), StatusListener.NONE);
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        // The CDN answers the next download 2 s late.
        fx.mock.control().setFaults(FaultPlan.parse("storage=slow:2000"));
        long before = videoDownloads();

        CompletableFuture<ResultView> first = CompletableFuture.supplyAsync(() -> jobs.result(job.jobId(), true));
        Thread.sleep(500); // the first download is under way
        ResultView second = jobs.result(job.jobId(), true);
        ResultView firstDone = first.get(20, TimeUnit.SECONDS);

        assertThat(second.download().path()).isEqualTo(firstDone.download().path());
        assertThat(second.download().sha256()).isEqualTo(firstDone.download().sha256());
        assertThat(videoDownloads() - before)
                .as("requests for the video at fal's CDN")
                .isEqualTo(1);
    }

    private static long videoDownloads() {
        return fx.mock.control().requests().stream()
                .filter(r -> r.path().contains("/cdn/videos/"))
                .count();
    }
}
