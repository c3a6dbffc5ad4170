package dev.klingmcp.server.jobs.impl;

import static dev.klingmcp.server.jobs.impl.JobServiceFixture.STANDARD;
import static dev.klingmcp.server.jobs.impl.JobServiceFixture.standardInput;
import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.server.config.FollowSettings;
import dev.klingmcp.server.config.ServerConfig;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.SubmitCommand;
import dev.klingmcp.server.ledger.JdbcJobLedger;
import dev.klingmcp.server.ledger.JobQuery;
import dev.klingmcp.server.ledger.JobRecord;
import dev.klingmcp.testing.postgres.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs nobody waits for still finish: two services (replicas) on one PostgreSQL ledger, each with its background
 * follower; jobs submitted on the first and never asked about again end SUCCEEDED with their videos saved.
 */
class BackgroundFollowerTest {

    @TempDir
    Path dir;

    @Test
    void followersOnTwoReplicasFinishAndSaveEveryJobNobodyWaitsFor() throws Exception {
        FollowSettings follow =
                new FollowSettings(true, Duration.ofMillis(300), Duration.ofSeconds(3), true, 64, Duration.ZERO, null);
        try (JobServiceFixture fx = new JobServiceFixture(dir)) {
            ServerConfig config = fx.config.withLedgerUrl(TestPostgres.shared().newDatabase());
            List<String> ids = new ArrayList<>();
            try (DefaultJobService a = fx.open(config).startFollowing(follow);
                    DefaultJobService b = fx.open(config).startFollowing(follow)) {
                for (int i = 0; i < 6; i++) {
                    ids.add(a.submit(new SubmitCommand(STANDARD, standardInput("nobody waits " + i), null, false, null))
                            .job()
                            .jobId());
                }
                List<JobRecord> rows = List.of();
                for (int i = 0; i < 400; i++) {
                    fx.mock.control().advanceClock(Duration.ofSeconds(5));
                    Thread.sleep(50);
                    try (JdbcJobLedger view = JdbcJobLedger.open(config.ledgerUrl(), fx.clock)) {
                        rows = view.list(new JobQuery(Set.of(), null, null, 100));
                    }
                    if (rows.stream().allMatch(r -> r.state() == JobState.SUCCEEDED && r.localPath() != null)) {
                        break;
                    }
                }
                assertThat(rows).extracting(JobRecord::publicId).containsExactlyInAnyOrderElementsOf(ids);
                assertThat(b.find(ids.get(0)))
                        .as("B reads a job submitted on A")
                        .isPresent();
                assertThat(rows).allSatisfy(r -> {
                    assertThat(r.state()).isEqualTo(JobState.SUCCEEDED);
                    assertThat(r.localPath()).isNotNull();
                    assertThat(Files.size(Path.of(r.localPath()))).isPositive();
                });
            }
        }
    }
}
