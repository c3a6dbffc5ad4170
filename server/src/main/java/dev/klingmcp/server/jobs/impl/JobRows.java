package dev.klingmcp.server.jobs.impl;

import dev.klingmcp.openapi.FalEndpoint;
import dev.klingmcp.openapi.FalEndpoints;
import dev.klingmcp.server.jobs.JobException;
import dev.klingmcp.server.jobs.JobState;
import dev.klingmcp.server.ledger.JobLedger;
import dev.klingmcp.server.ledger.JobRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ledger rows as every job operation reads them: found by any id, their model resolved, and a SUBMITTING row whose
 * submit was interrupted turned UNKNOWN. Also knows which submits are in flight in this process, because such a row
 * is fal's answer away from a verdict and must be judged by nobody meanwhile.
 */
final class JobRows {

    private final JobLedger ledger;
    private final FalEndpoints registry;
    private final Clock clock;
    private final Duration submitTimeout;
    /** Local ids whose submit is in progress in this process: never declared UNKNOWN while we still wait for fal. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    JobRows(JobLedger ledger, FalEndpoints registry, Clock clock, Duration submitTimeout) {
        this.ledger = ledger;
        this.registry = registry;
        this.clock = clock;
        this.submitTimeout = submitTimeout;
    }

    JobRecord require(String jobId) {
        return ledger.find(jobId)
                .orElseThrow(() -> JobException.notFound(
                        "No job with id '" + jobId + "' in the ledger; list_jobs shows the known ids."));
    }

    FalEndpoint endpoint(JobRecord r) {
        return registry.find(r.model())
                .orElseThrow(() -> JobException.invalidInput(
                        "/job_id",
                        "job " + r.publicId() + " was made with " + r.model() + ", which this server no longer serves",
                        "a job of one of " + String.join(", ", registry.names())));
    }

    /** A SUBMITTING row older than the submit timeout that no thread here is sending: the submit was interrupted. */
    JobRecord unstuck(JobRecord r) {
        if (r.state() != JobState.SUBMITTING
                || inFlight.contains(r.localId())
                || r.createdAt().plus(submitTimeout).isAfter(clock.instant())) {
            return r;
        }
        return ledger.update(
                        r.localId(),
                        b -> b.state() == JobState.SUBMITTING ? b.state(JobState.UNKNOWN) : b,
                        JobLedger.INTERRUPTED_NOTE)
                .orElse(r);
    }

    boolean inFlight(String localId) {
        return inFlight.contains(localId);
    }

    void sending(String localId) {
        inFlight.add(localId);
    }

    void sent(String localId) {
        inFlight.remove(localId);
    }
}
