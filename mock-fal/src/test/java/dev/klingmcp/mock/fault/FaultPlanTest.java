package dev.klingmcp.mock.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.klingmcp.mock.queue.JobFaults;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultPlanTest {

    @Test
    void parsesScriptsCountsProbabilitiesAndSettings() {
        FaultPlan plan = FaultPlan.parse("status=503x2, submit=429@0.1; stream=slow:500,job=fail:runner_disconnected,"
                + "job=stuck@0.5,retry_after=4,slow_ms=900");
        assertThat(plan.scripts().get(FaultRoute.STATUS))
                .extracting(FaultAction::toString)
                .containsExactly("503", "503");
        assertThat(plan.scripts().get(FaultRoute.STREAM)).containsExactly(new FaultAction(FaultKind.SLOW, 500));
        assertThat(plan.probabilities().get(FaultRoute.SUBMIT))
                .containsEntry(FaultAction.of(FaultKind.RATE_LIMITED), 0.1);
        assertThat(plan.jobScript()).containsExactly(new JobFaults(false, "runner_disconnected", false));
        assertThat(plan.jobProbabilities()).containsEntry("stuck", 0.5);
        assertThat(plan.retryAfterSeconds()).isEqualTo(4);
        assertThat(plan.slowMillis()).isEqualTo(900);
    }

    @Test
    void errorsNameTheItemAndWhatIsAllowed() {
        assertThatThrownBy(() -> FaultPlan.parse("status=418"))
                .hasMessageContaining("status=418")
                .hasMessageContaining("allowed")
                .hasMessageContaining("nonjson");
        assertThatThrownBy(() -> FaultPlan.parse("teleport=503"))
                .hasMessageContaining("teleport")
                .hasMessageContaining("submit, status");
        assertThatThrownBy(() -> FaultPlan.parse("status=503@1.5")).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> FaultPlan.parse("job=explode")).hasMessageContaining("stuck, fail");
        assertThatThrownBy(() -> FaultPlan.parse("status=503x2@0.5")).hasMessageContaining("not both");
        assertThatThrownBy(() -> FaultPlan.parse("reset")).hasMessageContaining("route=action");
    }

    @Test
    void jsonRoundTrips() {
        FaultPlan plan = FaultPlan.parse("status=503x2,submit=429@0.1,job=cancel_ignored,job=stuck@0.25,retry_after=2");
        FaultPlan back = FaultPlanJson.fromJson(FaultPlanJson.toJson(plan));
        assertThat(FaultPlanJson.toJson(back)).isEqualTo(FaultPlanJson.toJson(plan));
    }

    @Test
    void theSameSeedGivesTheSameSequencePerRouteWhateverTheInterleaving() {
        FaultPlan plan = FaultPlan.parse("status=503@0.2,status=reset@0.1,submit=429@0.3,job=stuck@0.4");
        FaultInjector a = new FaultInjector(5, plan);
        FaultInjector b = new FaultInjector(5, plan);
        List<String> statusA = new ArrayList<>();
        List<String> statusB = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            statusA.add(a.decide(FaultRoute.STATUS).toString());
            a.decide(FaultRoute.SUBMIT);
            a.decideJob();
        }
        for (int i = 0; i < 200; i++) {
            statusB.add(b.decide(FaultRoute.STATUS).toString());
        }
        assertThat(statusA).isEqualTo(statusB);
        assertThat(statusA).contains("503", "reset", "pass");
        long resets = statusA.stream().filter("reset"::equals).count();
        assertThat(resets).isBetween(5L, 40L);

        FaultInjector other = new FaultInjector(6, plan);
        List<String> statusC = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            statusC.add(other.decide(FaultRoute.STATUS).toString());
        }
        assertThat(statusC).isNotEqualTo(statusA);
    }

    @Test
    void scriptsComeBeforeProbabilitiesAndReplaceRestartsTheSequence() {
        FaultPlan plan = FaultPlan.parse("result=500x2,result=504@1.0");
        FaultInjector injector = new FaultInjector(1, plan);
        assertThat(List.of(
                        injector.decide(FaultRoute.RESULT),
                        injector.decide(FaultRoute.RESULT),
                        injector.decide(FaultRoute.RESULT)))
                .extracting(FaultAction::toString)
                .containsExactly("500", "500", "504");
        injector.replace(plan);
        assertThat(injector.decide(FaultRoute.RESULT).toString()).isEqualTo("500");
        assertThat(injector.remaining().scripts().get(FaultRoute.RESULT)).hasSize(1);
    }

    @Test
    void slowWithoutADelayUsesThePlansDefault() {
        FaultInjector injector = new FaultInjector(1, FaultPlan.parse("cancel=slow,slow_ms=1234"));
        assertThat(injector.decide(FaultRoute.CANCEL)).isEqualTo(new FaultAction(FaultKind.SLOW, 1234));
    }

    @Test
    void addingFaultsKeepsSettingsTheAdditionDoesNotMention() {
        FaultInjector injector = new FaultInjector(1, FaultPlan.parse("retry_after=7,slow_ms=300"));
        injector.add(FaultPlan.parse("status=429"));
        assertThat(injector.retryAfterSeconds()).isEqualTo(7);
        injector.add(FaultPlan.parse("retry_after=2"));
        assertThat(injector.retryAfterSeconds()).isEqualTo(2);
        assertThat(injector.remaining().slowMillis()).isEqualTo(300);
        assertThat(injector.decide(FaultRoute.STATUS).kind()).isEqualTo(FaultKind.RATE_LIMITED);
    }
}
