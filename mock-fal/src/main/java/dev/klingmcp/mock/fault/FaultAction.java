package dev.klingmcp.mock.fault;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One fault to inject on one call.
 *
 * @param kind   what happens
 * @param millis the delay of a {@link FaultKind#SLOW} fault; 0 means the plan's default
 */
public record FaultAction(FaultKind kind, long millis) {

    public static final FaultAction NONE = new FaultAction(FaultKind.NONE, 0);

    public static FaultAction of(FaultKind kind) {
        return new FaultAction(kind, 0);
    }

    /** Parses {@code 503}, {@code reset}, {@code slow}, {@code slow:1500}, {@code nonjson} ... */
    public static FaultAction parse(String token) {
        String t = token.trim().toLowerCase(java.util.Locale.ROOT);
        long millis = 0;
        int colon = t.indexOf(':');
        if (colon >= 0) {
            String arg = t.substring(colon + 1);
            t = t.substring(0, colon);
            if (!t.equals(FaultKind.SLOW.token()) && !t.equals(FaultKind.HOLD.token())) {
                throw new IllegalArgumentException(
                        "only 'slow' and 'hold' take an argument (slow:<millis>), got '" + token + "'");
            }
            try {
                millis = Long.parseLong(arg);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "slow:<millis> needs a whole number of milliseconds, got '" + arg + "'");
            }
            if (millis < 0) {
                throw new IllegalArgumentException("slow delay must not be negative, got " + millis);
            }
        }
        for (FaultKind kind : FaultKind.values()) {
            if (kind.token().equals(t)) {
                return new FaultAction(kind, millis);
            }
        }
        throw new IllegalArgumentException("unknown fault '" + token + "'; allowed: "
                + Arrays.stream(FaultKind.values()).map(FaultKind::token).collect(Collectors.joining(", "))
                + " (slow takes :<millis>)");
    }

    /** The spec spelling, the inverse of {@link #parse}. */
    @Override
    public String toString() {
        return (kind == FaultKind.SLOW || kind == FaultKind.HOLD) && millis > 0
                ? kind.token() + ":" + millis
                : kind.token();
    }
}
