package dev.klingmcp.server.http;

import dev.klingmcp.server.auth.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which principal opened each legacy session, so a session id presented with another principal's token is unknown to
 * it (a leaked session id must not carry someone else's subscriptions or streams). Entries not seen for twice the idle
 * limit are forgotten; by then the SDK has closed the session itself.
 */
final class SessionOwners {

    private record Owner(String subject, long lastSeenMillis) {}

    private final Map<String, Owner> owners = new ConcurrentHashMap<>();

    private final Duration forgetAfter;

    private final Clock clock;

    SessionOwners(Duration idle, Clock clock) {
        this.forgetAfter = idle.multipliedBy(2);
        this.clock = clock;
    }

    void opened(String sessionId, Principal principal) {
        prune();
        owners.put(sessionId, new Owner(subject(principal), clock.millis()));
    }

    /** True for the session's own principal and for sessions this front did not see opening. */
    boolean mayUse(String sessionId, Principal principal) {
        Owner owner = owners.get(sessionId);
        if (owner == null) {
            return true;
        }
        if (!owner.subject().equals(subject(principal))) {
            return false;
        }
        owners.put(sessionId, new Owner(owner.subject(), clock.millis()));
        return true;
    }

    private void prune() {
        long oldest = clock.millis() - forgetAfter.toMillis();
        owners.values().removeIf(o -> o.lastSeenMillis() < oldest);
    }

    private static String subject(Principal principal) {
        return principal == null ? "" : principal.subject();
    }
}
