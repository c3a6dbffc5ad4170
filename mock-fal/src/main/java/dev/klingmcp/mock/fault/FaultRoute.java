package dev.klingmcp.mock.fault;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The places a fault can strike, one per kind of call a fal client makes. */
public enum FaultRoute {
    SUBMIT,
    STATUS,
    STREAM,
    RESULT,
    CANCEL,
    SYNC,
    STORAGE;

    /** The name used in fault specs and JSON: {@code status}, {@code submit}, ... */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FaultRoute parse(String key) {
        for (FaultRoute r : values()) {
            if (r.key().equals(key.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown fault route '" + key + "'; allowed: job, "
                + Arrays.stream(values()).map(FaultRoute::key).collect(Collectors.joining(", ")));
    }
}
