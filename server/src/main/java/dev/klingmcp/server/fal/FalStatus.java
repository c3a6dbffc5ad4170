package dev.klingmcp.server.fal;

import java.util.List;

/**
 * What fal's queue says about one request (the submit answer, a status read, or one event of the status stream), in the
 * gateway's own terms: nothing above the gateway depends on the client generated from fal's documents.
 *
 * @param state            where the request is; {@link State#OTHER} for a status this build does not know
 * @param rawStatus        fal's status as sent ({@code IN_QUEUE}, {@code IN_PROGRESS}, {@code COMPLETED}), or
 *                         {@code UNKNOWN}
 * @param requestId        fal's request id (always in a submit answer)
 * @param queuePosition    0-based position while queued, else null
 * @param logs             log lines fal sent with this answer (empty when none were asked for)
 * @param inferenceSeconds time the model ran, once fal reports it
 * @param error            fal's error message for a request that completed with an error, else null
 * @param errorType        fal's error type, e.g. {@code client_cancelled}, else null
 * @param statusUrl        where fal serves this request's status (submit answers)
 * @param responseUrl      where fal serves its result (submit answers)
 * @param cancelUrl        where it is cancelled (submit answers)
 */
public record FalStatus(
        State state,
        String rawStatus,
        String requestId,
        Integer queuePosition,
        List<Log> logs,
        Double inferenceSeconds,
        String error,
        String errorType,
        String statusUrl,
        String responseUrl,
        String cancelUrl) {

    public FalStatus {
        state = state == null ? State.OTHER : state;
        logs = logs == null ? List.of() : List.copyOf(logs);
    }

    public enum State {
        IN_QUEUE,
        IN_PROGRESS,
        COMPLETED,
        OTHER
    }

    /** One fal log entry; fal sometimes omits level, source or timestamp. */
    public record Log(String message, String level, String source, String timestamp) {}

    /** COMPLETED without an error: the result is there to fetch. */
    public boolean completedWithoutError() {
        return state == State.COMPLETED && error == null && errorType == null;
    }
}
