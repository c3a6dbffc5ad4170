package dev.klingmcp.server.jobs.impl;

import dev.klingmcp.openapi.Violation;
import dev.klingmcp.server.fal.FalException;
import dev.klingmcp.server.jobs.JobError;
import dev.klingmcp.server.jobs.JobException;
import java.util.List;

/** Translations of gateway failures into what the service records and reports. */
final class Failures {

    private Failures() {}

    static JobException fromFal(String what, FalException e) {
        String retry = e.retryAfter() != null
                ? " fal asks to retry after " + e.retryAfter().toSeconds() + " s."
                : "";
        String message = what + ": " + e.getMessage() + "." + retry;
        return switch (e.kind()) {
            case NOT_CONNECTED, IO -> JobException.unreachable(message, e.status(), e);
            case HTTP, PROTOCOL, DECODING -> JobException.falError(message, e.status(), e);
        };
    }

    static JobError jobError(FalException e) {
        return new JobError(
                e.getMessage(),
                e.errorType(),
                e.status(),
                e.body() == null ? null : e.body().has("detail") ? e.body().get("detail") : e.body());
    }

    /**
     * True when fal certainly did not create a job: no connection, a refusal before queueing (4xx), an ingress error
     * without a request id, or a failure before anything was sent. Then the submit can safely be tried again.
     */
    static boolean submitCertainlyRefused(FalException e) {
        return switch (e.kind()) {
            case NOT_CONNECTED, PROTOCOL -> true;
            case IO, DECODING -> false;
            case HTTP -> (e.status() >= 400 && e.status() < 500)
                    || (e.status() >= 502 && e.status() <= 504 && e.falRequestId() == null && e.timeoutType() == null);
        };
    }

    /** All validation problems, each kept whole for the tool to list, and summarised in one message for logs. */
    static JobException invalidInput(List<Violation> problems) {
        StringBuilder sb = new StringBuilder("the input is not valid for this model: ");
        for (Violation v : problems) {
            sb.append(v.path().isEmpty() ? "(root)" : v.path()).append(": ").append(v.problem());
            if (v.allowed() != null) {
                sb.append(" (allowed: ").append(v.allowed()).append(")");
            }
            sb.append("; ");
        }
        return JobException.invalidInput(sb.substring(0, sb.length() - 2), problems);
    }
}
