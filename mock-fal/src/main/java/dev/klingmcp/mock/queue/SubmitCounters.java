package dev.klingmcp.mock.queue;

import java.util.Map;
import java.util.TreeMap;

/**
 * Per-endpoint submit counts. {@code attempts} counts every submit that reached the mock, including those a fault or
 * a 429 turned away; {@code accepted} counts jobs created. A client that retries submits shows up as accepted &gt; 1
 * for one logical call, which is exactly what duplicate-submit tests look for.
 */
public final class SubmitCounters {

    /** Counts for one endpoint. */
    public record Count(long attempts, long accepted) {}

    private final Map<String, long[]> counts = new TreeMap<>();

    private final Map<String, Long> calls = new TreeMap<>();

    /** Counts one queue call of a kind (SUBMIT, STATUS, STREAM, RESULT, CANCEL...), whatever its outcome. */
    public synchronized void call(String kind) {
        calls.merge(kind, 1L, Long::sum);
    }

    public synchronized Map<String, Long> calls() {
        return new TreeMap<>(calls);
    }

    public synchronized void attempt(String endpointId) {
        counts.computeIfAbsent(endpointId, k -> new long[2])[0]++;
    }

    public synchronized void accepted(String endpointId) {
        counts.computeIfAbsent(endpointId, k -> new long[2])[1]++;
    }

    public synchronized Map<String, Count> snapshot() {
        Map<String, Count> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, new Count(v[0], v[1])));
        return copy;
    }

    public synchronized void reset() {
        counts.clear();
        calls.clear();
    }
}
