package dev.klingmcp.mock.fault;

import dev.klingmcp.mock.queue.JobFaults;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Decides, call by call, which fault (if any) strikes. Each route has its own {@link Random} derived from the seed, so
 * the sequence on one route does not depend on how calls on other routes interleave: the same seed, plan and call
 * order per route give the same faults (what Retrofit's {@code NetworkBehavior.create(Random)} gives its users).
 * Scripts are consumed before probabilities are rolled. Thread-safe.
 */
public final class FaultInjector {

    private final long seed;
    private FaultPlan plan;
    private final Map<FaultRoute, Random> randoms = new EnumMap<>(FaultRoute.class);
    private final Map<FaultRoute, Deque<FaultAction>> scripts = new EnumMap<>(FaultRoute.class);
    private final Deque<JobFaults> jobScript = new ArrayDeque<>();
    private Random jobRandom;
    private final Map<String, Long> injected = new TreeMap<>();

    public FaultInjector(long seed, FaultPlan plan) {
        this.seed = seed;
        replace(plan);
    }

    /** Installs a new plan and restarts every random sequence from the seed. */
    // The ordinal only spreads the seed across routes; new routes are appended, so existing sequences never move.
    @SuppressWarnings("EnumOrdinal")
    public synchronized void replace(FaultPlan newPlan) {
        plan = newPlan.copy();
        randoms.clear();
        scripts.clear();
        for (FaultRoute route : FaultRoute.values()) {
            randoms.put(route, new Random(seed * 1_000_003L + route.ordinal()));
            scripts.put(route, new ArrayDeque<>(plan.scripts().getOrDefault(route, java.util.List.of())));
        }
        jobScript.clear();
        jobScript.addAll(plan.jobScript());
        jobRandom = new Random(seed * 1_000_003L + 977);
        injected.clear();
    }

    /** Adds scripts and probabilities on top of the current plan without restarting the random sequences. */
    public synchronized void add(FaultPlan extra) {
        extra.scripts().forEach((route, actions) -> scripts.get(route).addAll(actions));
        jobScript.addAll(extra.jobScript());
        // Probabilities, and settings the extra plan sets; the plan's own scripts are not read after replace().
        plan.merge(extra);
    }

    /** The fault for the next call on {@code route}; {@link FaultAction#NONE} most of the time. */
    public synchronized FaultAction decide(FaultRoute route) {
        FaultAction scripted = scripts.get(route).pollFirst();
        FaultAction action = scripted != null ? scripted : roll(route);
        if ((action.kind() == FaultKind.SLOW || action.kind() == FaultKind.HOLD) && action.millis() == 0) {
            action = new FaultAction(action.kind(), plan.slowMillis());
        }
        if (action.kind() != FaultKind.NONE) {
            injected.merge(route.key() + "=" + action.kind().token(), 1L, Long::sum);
        }
        return action;
    }

    /** The job-level faults for the next submitted job. */
    public synchronized JobFaults decideJob() {
        JobFaults scripted = jobScript.pollFirst();
        JobFaults faults = scripted != null ? scripted : JobFaults.NONE;
        for (Map.Entry<String, Double> e : plan.jobProbabilities().entrySet()) {
            if (jobRandom.nextDouble() < e.getValue()) {
                faults = faults.and(JobFaultSpec.parse(e.getKey()));
            }
        }
        if (faults.any()) {
            injected.merge("job=" + JobFaultSpec.format(faults), 1L, Long::sum);
        }
        return faults;
    }

    public synchronized int retryAfterSeconds() {
        return plan.retryAfterSeconds();
    }

    /** The plan as installed plus what is left of the scripts, for {@code GET /_mock/faults}. */
    public synchronized FaultPlan remaining() {
        FaultPlan left =
                new FaultPlan().retryAfterSeconds(plan.retryAfterSeconds()).slowMillis(plan.slowMillis());
        scripts.forEach((route, actions) -> left.script(route, actions.toArray(FaultAction[]::new)));
        plan.probabilities().forEach((route, map) -> map.forEach((a, p) -> left.probability(route, a, p)));
        left.jobScript(jobScript.toArray(JobFaults[]::new));
        plan.jobProbabilities().forEach(left::jobProbability);
        return left;
    }

    /** How many faults of each kind were injected since the plan was installed, keyed {@code route=token}. */
    public synchronized Map<String, Long> injected() {
        return new TreeMap<>(injected);
    }

    private FaultAction roll(FaultRoute route) {
        Map<FaultAction, Double> p = plan.probabilities().get(route);
        if (p == null || p.isEmpty()) {
            return FaultAction.NONE;
        }
        double r = randoms.get(route).nextDouble();
        double cumulative = 0;
        for (Map.Entry<FaultAction, Double> e : p.entrySet()) {
            cumulative += e.getValue();
            if (r < cumulative) {
                return e.getKey();
            }
        }
        return FaultAction.NONE;
    }
}
