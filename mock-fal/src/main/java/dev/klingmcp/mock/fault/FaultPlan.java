package dev.klingmcp.mock.fault;

import dev.klingmcp.mock.queue.JobFaults;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which faults to inject, in the spirit of Retrofit's {@code NetworkBehavior}: per route a scripted sequence (consumed
 * first, one action per call) and/or probabilities; per job a script and/or probabilities of being stuck, failing, or
 * ignoring cancel. Randomness comes from the injector's seed, so a plan + seed gives the same faults every run.
 *
 * <p>Text form (CLI {@code --fault}, header {@code X-Mock-Fault}): comma-separated items
 * {@code route=action[xN][@p]}, e.g. {@code status=503x2,submit=429@0.1,job=fail:runner_disconnected,stream=slow:500},
 * plus {@code retry_after=<s>} and {@code slow_ms=<ms>}. Routes: submit, status, stream, result, cancel, sync, storage,
 * job. Actions: see {@link FaultKind}; job actions: see {@link JobFaultSpec}. JSON form: {@link FaultPlanJson}.
 */
public final class FaultPlan {

    private static final Pattern ITEM =
            Pattern.compile("^([a-z_]+)=([a-z0-9_:]+?)(?:x(\\d+))?(?:@([0-9]*\\.?[0-9]+))?$");

    private final Map<FaultRoute, List<FaultAction>> scripts = new EnumMap<>(FaultRoute.class);
    private final Map<FaultRoute, Map<FaultAction, Double>> probabilities = new EnumMap<>(FaultRoute.class);
    private final List<JobFaults> jobScript = new ArrayList<>();
    private final Map<String, Double> jobProbabilities = new LinkedHashMap<>();
    /** Null until set, so that merging a plan that never mentions them keeps the other plan's values. */
    private Integer retryAfterSeconds;

    private Long slowMillis;

    public FaultPlan() {}

    /** Appends actions to a route's script: the next calls on that route get them, in order. */
    public FaultPlan script(FaultRoute route, FaultAction... actions) {
        scripts.computeIfAbsent(route, r -> new ArrayList<>()).addAll(List.of(actions));
        return this;
    }

    /** Each call on the route (once its script is used up) suffers this fault with probability {@code p}. */
    public FaultPlan probability(FaultRoute route, FaultAction action, double p) {
        checkProbability(p);
        probabilities.computeIfAbsent(route, r -> new LinkedHashMap<>()).put(action, p);
        return this;
    }

    /** Appends job faults: the next submitted jobs get them, in order. */
    public FaultPlan jobScript(JobFaults... faults) {
        jobScript.addAll(List.of(faults));
        return this;
    }

    /** Each job (once the job script is used up) gets this fault (spec spelling, e.g. {@code stuck}) with probability p. */
    public FaultPlan jobProbability(String jobFault, double p) {
        JobFaultSpec.parse(jobFault);
        checkProbability(p);
        jobProbabilities.put(jobFault, p);
        return this;
    }

    public FaultPlan retryAfterSeconds(int seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("retry_after must not be negative, got " + seconds);
        }
        this.retryAfterSeconds = seconds;
        return this;
    }

    public FaultPlan slowMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("slow_ms must not be negative, got " + millis);
        }
        this.slowMillis = millis;
        return this;
    }

    public Map<FaultRoute, List<FaultAction>> scripts() {
        return scripts;
    }

    public Map<FaultRoute, Map<FaultAction, Double>> probabilities() {
        return probabilities;
    }

    public List<JobFaults> jobScript() {
        return jobScript;
    }

    public Map<String, Double> jobProbabilities() {
        return jobProbabilities;
    }

    /** Seconds sent in {@code Retry-After} with an injected 429 (default 1). */
    public int retryAfterSeconds() {
        return retryAfterSeconds == null ? 1 : retryAfterSeconds;
    }

    /** Delay of a {@code slow} fault that names none (default 2000 ms). */
    public long slowMillis() {
        return slowMillis == null ? 2000 : slowMillis;
    }

    public boolean isEmpty() {
        return scripts.values().stream().allMatch(List::isEmpty)
                && probabilities.isEmpty()
                && jobScript.isEmpty()
                && jobProbabilities.isEmpty();
    }

    /** A deep copy: injectors consume scripts, the options' plan must stay intact for {@code /_mock/reset}. */
    public FaultPlan copy() {
        return new FaultPlan().merge(this);
    }

    /**
     * Adds another plan's scripts (appended) and probabilities (overriding); its settings replace these only where it
     * sets them.
     */
    public FaultPlan merge(FaultPlan other) {
        other.scripts.forEach((route, actions) -> script(route, actions.toArray(FaultAction[]::new)));
        other.probabilities.forEach((route, map) -> map.forEach((action, p) -> probability(route, action, p)));
        jobScript.addAll(other.jobScript);
        jobProbabilities.putAll(other.jobProbabilities);
        if (other.retryAfterSeconds != null) {
            retryAfterSeconds = other.retryAfterSeconds;
        }
        if (other.slowMillis != null) {
            slowMillis = other.slowMillis;
        }
        return this;
    }

    /** Parses the text form; errors name the offending item and what is allowed. */
    public static FaultPlan parse(String spec) {
        FaultPlan plan = new FaultPlan();
        if (spec == null || spec.isBlank()) {
            return plan;
        }
        for (String raw : spec.split("[,;]", -1)) {
            String item = raw.trim().toLowerCase(java.util.Locale.ROOT);
            if (item.isEmpty()) {
                continue;
            }
            try {
                plan.parseItem(item);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("fault spec item '" + raw.trim() + "': " + e.getMessage(), e);
            }
        }
        return plan;
    }

    private void parseItem(String item) {
        if (item.startsWith("retry_after=")) {
            retryAfterSeconds(parseWhole(item.substring("retry_after=".length())));
            return;
        }
        if (item.startsWith("slow_ms=")) {
            slowMillis(parseWhole(item.substring("slow_ms=".length())));
            return;
        }
        Matcher m = ITEM.matcher(item);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "expected route=action[xN][@probability], e.g. status=503x2 or submit=429@0.1");
        }
        String route = m.group(1);
        String action = m.group(2);
        int times = m.group(3) == null ? 1 : parseWhole(m.group(3));
        Double p = m.group(4) == null ? null : Double.parseDouble(m.group(4));
        if (p != null && m.group(3) != null) {
            throw new IllegalArgumentException("give either a count (xN) or a probability (@p), not both");
        }
        if (route.equals("job")) {
            JobFaults faults = JobFaultSpec.parse(action);
            if (p != null) {
                jobProbability(action, p);
            } else {
                for (int i = 0; i < times; i++) {
                    jobScript(faults);
                }
            }
            return;
        }
        FaultRoute r = FaultRoute.parse(route);
        FaultAction a = FaultAction.parse(action);
        if (p != null) {
            probability(r, a, p);
        } else {
            for (int i = 0; i < times; i++) {
                script(r, a);
            }
        }
    }

    private static int parseWhole(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number, got '" + s + "'");
        }
    }

    private static void checkProbability(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability must be between 0 and 1, got " + p);
        }
    }
}
