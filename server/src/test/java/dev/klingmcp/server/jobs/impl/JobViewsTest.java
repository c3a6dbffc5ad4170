package dev.klingmcp.server.jobs.impl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.jobs.StateChange;
import dev.klingmcp.server.ledger.JobRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ETAs come from fal's typical timing, divided by the time scale a mock runs at. */
class JobViewsTest {

    private static final FalEndpoint PRO = FalEndpoints.load().require("o3/pro/reference-to-video");
    private static final Instant CREATED = Instant.parse("2026-11-21T10:00:00Z");

    private static JobRecord row(JobState state, Instant updated, List<StateChange> history) {
        return new JobRecord(
                "local-1", "req-1", PRO.id(), "{}", null, null, 0, null, null, null, null, state, null, null, null,
                null, null, null, null, null, CREATED, updated, null, null, history);
    }

    private static JobViews views(Instant now, double timeScale) {
        return new JobViews(Clock.fixed(now, ZoneOffset.UTC), id -> id.equals(PRO.id()) ? PRO : null, timeScale);
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }

    @Test
    void aQueuedJobAgainstFalExpectsFalsTypicalQueueAndRunTime() {
        JobRecord queued = row(JobState.QUEUED, CREATED, List.of());
        double typical = PRO.timing().queueSeconds() + PRO.timing().runSeconds(5);
        assertThat(views(CREATED, 1.0).view(queued).eta()).isEqualTo(seconds(typical));
    }

    @Test
    void aMockRunningSixtyTimesFasterGivesAnEtaSixtyTimesShorter() {
        JobRecord queued = row(JobState.QUEUED, CREATED, List.of());
        double typical = PRO.timing().queueSeconds() + PRO.timing().runSeconds(5);
        assertThat(views(CREATED, 60).view(queued).eta()).isEqualTo(seconds(typical / 60));
        // Two real seconds after the job started running, a x60 mock has that much less of its scaled run left.
        Instant started = CREATED.plusSeconds(3);
        JobRecord running =
                row(JobState.RUNNING, started, List.of(new StateChange(JobState.RUNNING, started, "runner")));
        assertThat(views(started.plusSeconds(2), 60).view(running).eta())
                .isEqualTo(seconds(PRO.timing().runSeconds(5) / 60 - 2));
    }

    @Test
    void anOverdueOrFinishedJobHasNoNegativeEta() {
        Instant started = CREATED.plusSeconds(1);
        JobRecord running =
                row(JobState.RUNNING, started, List.of(new StateChange(JobState.RUNNING, started, "runner")));
        assertThat(views(started.plusSeconds(3600), 60).view(running).eta()).isEqualTo(Duration.ZERO);
        assertThat(views(CREATED, 60)
                        .view(row(JobState.SUCCEEDED, CREATED, List.of()))
                        .eta())
                .isNull();
    }
}
