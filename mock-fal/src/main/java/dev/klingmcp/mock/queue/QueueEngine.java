package dev.klingmcp.mock.queue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * fal's queue as a discrete-event simulation over a {@link SimClock}: IN_QUEUE (queue wait, queue position) ->
 * IN_PROGRESS (validation at execution time, progress logs) -> COMPLETED (output or error).
 *
 * <p>Nothing here uses real time or threads. Every operation first catches the simulation up to {@code clock.now()},
 * processing due events in time order, so a status request always sees the exact state for its instant whatever the
 * clock; a timer (see {@link #nextEventAt()}) only matters for pushing changes to SSE streams and webhooks promptly.
 * State is guarded by one lock; listeners run after it is released, in event order ({@link SerialDispatcher}).
 */
public final class QueueEngine {

    /**
     * How the queue runs jobs.
     *
     * @param concurrency     jobs that may be IN_PROGRESS at once (fal: 2 for new accounts); 0 = unlimited
     * @param forgetCancelled true: a cancelled job disappears (status/result answer 404); false: it stays COMPLETED
     *                        with {@code error_type: client_cancelled}. fal does not document which it does.
     * @param retention       how long (simulated) a completed job stays answerable; null = for ever. fal keeps
     *                        results 1 hour (6 minutes when 10 KB or larger).
     */
    public record Settings(int concurrency, boolean forgetCancelled, Duration retention) {

        public static final Settings DEFAULTS = new Settings(0, false, null);

        public Settings {
            if (retention != null && retention.isNegative()) {
                throw new IllegalArgumentException("retention must not be negative, got " + retention);
            }
        }
    }

    private final SimClock clock;
    private final RequestIds ids;
    private final Settings settings;
    private final SubmitCounters counters;
    private final Object lock = new Object();
    private final Map<String, Job> jobs = new HashMap<>();
    private final List<Job> active = new ArrayList<>();
    /** Completed jobs in completion order (simulated time never goes back), for retention. */
    private final ArrayDeque<Job> completed = new ArrayDeque<>();

    private final SerialDispatcher dispatcher = new SerialDispatcher();
    private final List<Consumer<JobSnapshot>> completionHooks = new CopyOnWriteArrayList<>();
    private volatile Runnable scheduleChanged = () -> {};
    private long seq;

    public QueueEngine(SimClock clock, RequestIds ids, Settings settings, SubmitCounters counters) {
        this.clock = clock;
        this.ids = ids;
        this.settings = settings;
        this.counters = counters;
    }

    public SimClock clock() {
        return clock;
    }

    /** Called (with a snapshot) once for every job that completes, however it completes. */
    public void onCompleted(Consumer<JobSnapshot> hook) {
        completionHooks.add(hook);
    }

    /** Called after any operation that may have moved the next event; the timer driver reschedules from it. */
    public void onScheduleChanged(Runnable hook) {
        scheduleChanged = hook;
    }

    /**
     * Queues a job. With a zero queue wait it may already be IN_PROGRESS (or even COMPLETED) in the answer, as fal's
     * fast models are.
     *
     * @param maxQueueLength {@code fal_max_queue_length}, or null
     * @throws QueueFullException when at least {@code maxQueueLength} requests already wait on this endpoint
     */
    public JobSnapshot submit(SubmitRequest request, Integer maxQueueLength) {
        JobSnapshot answer;
        synchronized (lock) {
            long now = catchUp();
            String endpointId = request.endpoint().id();
            if (maxQueueLength != null) {
                int waiting = (int) active.stream()
                        .filter(j -> j.status == JobStatus.IN_QUEUE
                                && j.endpoint.id().equals(endpointId))
                        .count();
                if (waiting >= maxQueueLength) {
                    throw new QueueFullException(waiting, maxQueueLength);
                }
            }
            VideoShape shape = VideoShape.of(request.input());
            long queueMillis = Math.round(request.endpoint().queueSeconds() * 1000);
            long runMillis =
                    Math.max(1, Math.round(request.endpoint().runSecondsPer5s() * 1000 * shape.seconds() / 5.0));
            Job job = new Job(ids.next(now), ++seq, request, now, queueMillis, runMillis);
            jobs.put(job.id, job);
            active.add(job);
            counters.accepted(endpointId);
            startDue(now);
            catchUp();
            answer = job.snapshot(queuePosition(job));
        }
        afterOperation();
        return answer;
    }

    /** The job as of now, if it exists. */
    public Optional<JobSnapshot> find(String requestId) {
        Optional<JobSnapshot> answer;
        synchronized (lock) {
            catchUp();
            Job job = jobs.get(requestId);
            answer = job == null ? Optional.empty() : Optional.of(job.snapshot(queuePosition(job)));
        }
        afterOperation();
        return answer;
    }

    /**
     * Subscribes to a job's changes. The listener first receives the current snapshot, then every change; a job that
     * already completed gets exactly one COMPLETED snapshot and no subscription.
     *
     * @return false when there is no such job (the listener is never called)
     */
    public boolean watch(String requestId, JobListener listener) {
        boolean found;
        synchronized (lock) {
            catchUp();
            Job job = jobs.get(requestId);
            found = job != null;
            if (found) {
                JobSnapshot now = job.snapshot(queuePosition(job));
                dispatcher.enqueue(() -> listener.onChange(now));
                if (!now.completed()) {
                    job.listeners.add(listener);
                }
            }
        }
        afterOperation();
        return found;
    }

    public void unwatch(String requestId, JobListener listener) {
        synchronized (lock) {
            Job job = jobs.get(requestId);
            if (job != null) {
                job.listeners.remove(listener);
            }
        }
    }

    /** fal's cancel: a queued job is removed, a running one is stopped, unless a fault says to ignore the request. */
    public CancelOutcome cancel(String requestId) {
        CancelOutcome outcome;
        synchronized (lock) {
            long now = catchUp();
            Job job = jobs.get(requestId);
            if (job == null) {
                outcome = CancelOutcome.NOT_FOUND;
            } else if (job.status == JobStatus.COMPLETED) {
                outcome = CancelOutcome.ALREADY_COMPLETED;
            } else {
                outcome = CancelOutcome.CANCELLATION_REQUESTED;
                if (!job.faults.cancelIgnored()) {
                    boolean wasQueued = job.status == JobStatus.IN_QUEUE;
                    job.cancelled = true;
                    job.fail(now, JobFailure.infrastructure("client_cancelled"));
                    finished(job);
                    if (wasQueued) {
                        queuePositionsChanged(job.endpoint.id());
                    }
                    startDue(now);
                    catchUp();
                }
            }
        }
        afterOperation();
        return outcome;
    }

    /** Processes every event due by the clock's now. The timer driver and the manual clock call this. */
    public void advance() {
        synchronized (lock) {
            catchUp();
        }
        afterOperation();
    }

    /** Simulated time of the next event, or {@link Long#MAX_VALUE} when nothing will happen without outside help. */
    public long nextEventAt() {
        synchronized (lock) {
            return nextEventAtLocked();
        }
    }

    /** Every job known, oldest first. */
    public List<JobSnapshot> jobs() {
        List<JobSnapshot> all;
        synchronized (lock) {
            catchUp();
            all = jobs.values().stream()
                    .sorted(Comparator.comparingLong(j -> j.seq))
                    .map(j -> j.snapshot(queuePosition(j)))
                    .toList();
        }
        afterOperation();
        return all;
    }

    /** Forgets every job. Open streams end with a COMPLETED event carrying {@code internal_error}. */
    public void reset() {
        synchronized (lock) {
            long now = clock.nowMillis();
            for (Job job : List.copyOf(active)) {
                job.fail(now, JobFailure.infrastructure("internal_error"));
                notifyListeners(job);
            }
            active.clear();
            completed.clear();
            jobs.clear();
        }
        afterOperation();
    }

    // ---- simulation, all under the lock ----

    private long catchUp() {
        long now = clock.nowMillis();
        for (long t = nextEventAtLocked(); t <= now; t = nextEventAtLocked()) {
            processAt(t);
        }
        if (settings.retention() != null) {
            long keepFrom = now - settings.retention().toMillis();
            while (!completed.isEmpty() && completed.peekFirst().completedAt < keepFrom) {
                jobs.remove(completed.pollFirst().id);
            }
        }
        return now;
    }

    private long nextEventAtLocked() {
        long next = Long.MAX_VALUE;
        boolean slotFree = slotFree();
        for (Job job : active) {
            if (job.status == JobStatus.IN_QUEUE) {
                next = Math.min(next, job.startDeadline);
                if (slotFree) {
                    next = Math.min(next, job.readyAt);
                }
            } else {
                next = Math.min(next, Math.min(job.nextLogAt(), Math.min(job.endAt, job.failAt)));
            }
        }
        return next;
    }

    private void processAt(long t) {
        for (Job job : List.copyOf(active)) {
            if (job.status != JobStatus.IN_PROGRESS) {
                continue;
            }
            if (job.emitLogsDue(t)) {
                notifyListeners(job);
            }
            if (job.failAt <= t) {
                job.fail(job.failAt, JobFailure.infrastructure(job.faults.runnerFailure()));
                finished(job);
            } else if (job.endAt <= t) {
                job.succeed(job.endAt);
                finished(job);
            }
        }
        startDue(t);
        for (Job job : List.copyOf(active)) {
            if (job.status == JobStatus.IN_QUEUE && job.startDeadline <= t) {
                job.fail(job.startDeadline, JobFailure.infrastructure("request_timeout"));
                finished(job);
                queuePositionsChanged(job.endpoint.id());
            }
        }
    }

    private void startDue(long t) {
        List<Job> ready = active.stream()
                .filter(j -> j.status == JobStatus.IN_QUEUE && j.readyAt <= t)
                .sorted(Comparator.<Job>comparingLong(j -> j.readyAt).thenComparingLong(j -> j.seq))
                .toList();
        for (Job job : ready) {
            if (!slotFree()) {
                return;
            }
            job.start(t);
            notifyListeners(job);
            List<InputProblem> problems = validate(job);
            if (!problems.isEmpty()) {
                job.logs.add(JobLog.error("Input validation failed: " + problems.size() + " problem(s)", t));
                job.fail(t, JobFailure.validation(problems));
                finished(job);
            }
            queuePositionsChanged(job.endpoint.id());
        }
    }

    private List<InputProblem> validate(Job job) {
        try {
            return job.endpoint.validator().apply(job.input);
        } catch (RuntimeException e) {
            // A validator bug must not take the mock down; report it the way fal reports its own crashes.
            return List.of(new InputProblem(List.of("body"), "validator failed: " + e, "value_error", Map.of()));
        }
    }

    private boolean slotFree() {
        if (settings.concurrency() <= 0) {
            return true;
        }
        long running =
                active.stream().filter(j -> j.status == JobStatus.IN_PROGRESS).count();
        return running < settings.concurrency();
    }

    private int queuePosition(Job job) {
        if (job.status != JobStatus.IN_QUEUE) {
            return 0;
        }
        int ahead = 0;
        for (Job other : active) {
            if (other.seq < job.seq
                    && other.status == JobStatus.IN_QUEUE
                    && other.endpoint.id().equals(job.endpoint.id())) {
                ahead++;
            }
        }
        return ahead;
    }

    private void finished(Job job) {
        active.remove(job);
        completed.addLast(job);
        notifyListeners(job);
        job.listeners.clear();
        JobSnapshot done = job.snapshot(0);
        for (Consumer<JobSnapshot> hook : completionHooks) {
            dispatcher.enqueue(() -> hook.accept(done));
        }
        if (job.cancelled && settings.forgetCancelled()) {
            jobs.remove(job.id);
        }
    }

    private void notifyListeners(Job job) {
        if (job.listeners.isEmpty()) {
            return;
        }
        JobSnapshot snapshot = job.snapshot(queuePosition(job));
        for (JobListener listener : job.listeners) {
            dispatcher.enqueue(() -> listener.onChange(snapshot));
        }
    }

    private void queuePositionsChanged(String endpointId) {
        for (Job job : active) {
            if (job.status == JobStatus.IN_QUEUE && job.endpoint.id().equals(endpointId)) {
                notifyListeners(job);
            }
        }
    }

    private void afterOperation() {
        dispatcher.drain();
        scheduleChanged.run();
    }
}
