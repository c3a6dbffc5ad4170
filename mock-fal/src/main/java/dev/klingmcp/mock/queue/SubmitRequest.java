package dev.klingmcp.mock.queue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * A request to put a job in the queue.
 *
 * @param endpoint     which model
 * @param input        the body the client posted, as is
 * @param webhookUrl   {@code fal_webhook}, or null
 * @param startTimeout {@code x-fal-request-timeout}: the job must have started within this (simulated) time, or null
 * @param faults       misbehaviour chosen for this job by the fault injector
 */
public record SubmitRequest(
        ModelEndpoint endpoint, JsonNode input, String webhookUrl, Duration startTimeout, JobFaults faults) {

    public SubmitRequest {
        faults = faults == null ? JobFaults.NONE : faults;
    }
}
