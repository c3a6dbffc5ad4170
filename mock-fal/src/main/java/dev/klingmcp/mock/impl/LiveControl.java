package dev.klingmcp.mock.impl;

import dev.klingmcp.mock.MockControl;
import dev.klingmcp.mock.fault.FaultInjector;
import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.mock.queue.JobSnapshot;
import dev.klingmcp.mock.queue.QueueEngine;
import dev.klingmcp.mock.queue.SubmitCounters;
import dev.klingmcp.mock.queue.SwitchableClock;
import dev.klingmcp.mock.report.RecordedRequest;
import dev.klingmcp.mock.report.RequestRecorder;
import dev.klingmcp.mock.scenario.Scenario;
import dev.klingmcp.mock.storage.StorageService;
import dev.klingmcp.mock.webhook.WebhookDelivery;
import dev.klingmcp.mock.webhook.WebhookDispatcher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link MockControl} over the live engine, injector and webhook dispatcher. */
final class LiveControl implements MockControl {

    private final QueueEngine engine;
    private final SwitchableClock clock;
    private final Scenario.Clock initialClock;
    private final SubmitCounters counters;
    private final FaultInjector faults;
    private final FaultPlan initialFaults;
    private final WebhookDispatcher webhooks;
    private final StorageService uploads;
    private final RequestRecorder recorder;
    private final Runnable onClockChange;

    LiveControl(
            QueueEngine engine,
            SwitchableClock clock,
            SubmitCounters counters,
            FaultInjector faults,
            FaultPlan initialFaults,
            WebhookDispatcher webhooks,
            StorageService uploads,
            RequestRecorder recorder,
            Runnable onClockChange) {
        this.engine = engine;
        this.clock = clock;
        this.initialClock = clockOf(clock);
        this.recorder = recorder;
        this.onClockChange = onClockChange;
        this.counters = counters;
        this.faults = faults;
        this.initialFaults = initialFaults.copy();
        this.webhooks = webhooks;
        this.uploads = uploads;
    }

    @Override
    public void reset() {
        engine.reset();
        counters.reset();
        faults.replace(initialFaults);
        webhooks.reset();
        uploads.reset();
        recorder.reset();
        setClock(initialClock);
    }

    @Override
    public List<JobSnapshot> jobs() {
        return engine.jobs();
    }

    @Override
    public Optional<JobSnapshot> job(String requestId) {
        return engine.find(requestId);
    }

    @Override
    public Map<String, SubmitCounters.Count> submits() {
        return counters.snapshot();
    }

    @Override
    public Map<String, Long> queueCalls() {
        return counters.calls();
    }

    @Override
    public long nowMillis() {
        return clock.nowMillis();
    }

    @Override
    public long advanceClock(Duration by) {
        long now = clock.advance(by);
        engine.advance();
        return now;
    }

    @Override
    public void setFaults(FaultPlan plan) {
        faults.replace(plan);
    }

    @Override
    public void addFaults(FaultPlan plan) {
        faults.add(plan);
    }

    @Override
    public FaultPlan faults() {
        return faults.remaining();
    }

    @Override
    public Map<String, Long> injectedFaults() {
        return faults.injected();
    }

    @Override
    public List<WebhookDelivery> webhookDeliveries() {
        return webhooks.deliveries();
    }

    @Override
    public Scenario.Clock clock() {
        return clockOf(clock);
    }

    @Override
    public void setClock(Scenario.Clock mode) {
        if (mode.manual()) {
            clock.useManual();
        } else {
            clock.useScaled(mode.speed());
        }
        engine.advance();
        onClockChange.run();
    }

    @Override
    public List<RecordedRequest> requests() {
        return recorder.requests();
    }

    private static Scenario.Clock clockOf(SwitchableClock clock) {
        return clock.isManual() ? Scenario.Clock.manualClock() : Scenario.Clock.scaled(clock.speed());
    }
}
