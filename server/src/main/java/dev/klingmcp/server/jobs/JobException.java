package dev.klingmcp.server.jobs;

import dev.klingmcp.openapi.Violation;
import java.util.List;

/**
 * A job operation that could not be done. The message is meant for the agent: it names what was wrong and what is allowed,
 * and never contains the fal key.
 */
public final class JobException extends RuntimeException {

    public enum Kind {
        /** No job with that id in the ledger (and fal did not know it either). */
        NOT_FOUND,
        /** The caller's input was refused before any network call (bad path, file too large, invalid model input...). */
        INVALID_INPUT,
        /** fal answered with an error status that is not a job outcome (401, 403, 5xx after retries...). */
        FAL_ERROR,
        /** fal could not be reached (after retries) or did not answer in time. */
        UNREACHABLE,
        /** Local I/O failed (ledger, output folder). */
        LOCAL_IO,
        /** A per-principal limit refused a submit before anything was written or sent. */
        LIMIT_EXCEEDED,
        /** The operation needs fal and no fal key is configured; nothing was recorded or sent. */
        NO_KEY
    }

    private final Kind kind;
    private final String path;
    private final String allowed;
    private final int httpStatus;
    private final List<Violation> problems;
    private volatile String jobId;
    private volatile Boolean retryable;

    private JobException(Kind kind, String message, String path, String allowed, int httpStatus, Throwable cause) {
        this(kind, message, path, allowed, httpStatus, cause, List.of());
    }

    private JobException(
            Kind kind,
            String message,
            String path,
            String allowed,
            int httpStatus,
            Throwable cause,
            List<Violation> problems) {
        super(message, cause);
        this.kind = kind;
        this.path = path;
        this.allowed = allowed;
        this.httpStatus = httpStatus;
        this.problems = List.copyOf(problems);
    }

    /** No such job. */
    public static JobException notFound(String message) {
        return new JobException(Kind.NOT_FOUND, message, null, null, 0, null);
    }

    /** The caller's input was refused: {@code path} (a JSON Pointer, "" = all of it) and what is allowed there. */
    public static JobException invalidInput(String path, String message, String allowed) {
        return new JobException(Kind.INVALID_INPUT, message, path, allowed, 0, null);
    }

    /**
     * The caller's input was refused for several reasons at once; each keeps its own path and allowed values, so a
     * tool can list them one per line instead of one run-on sentence. {@code message} summarises them all.
     */
    public static JobException invalidInput(String message, List<Violation> problems) {
        Violation first = problems.get(0);
        return new JobException(Kind.INVALID_INPUT, message, first.path(), first.allowed(), 0, null, problems);
    }

    /** fal answered with an error; {@code httpStatus} 0 when the answer was not an HTTP error. */
    public static JobException falError(String message, int httpStatus, Throwable cause) {
        return new JobException(Kind.FAL_ERROR, message, null, null, httpStatus, cause);
    }

    /** fal could not be reached or did not answer in time; {@code httpStatus} 0 when no HTTP answer came. */
    public static JobException unreachable(String message, int httpStatus, Throwable cause) {
        return new JobException(Kind.UNREACHABLE, message, null, null, httpStatus, cause);
    }

    /** A per-principal limit (concurrent jobs, daily budget) refused a submit. */
    public static JobException limitExceeded(String message) {
        return new JobException(Kind.LIMIT_EXCEEDED, message, null, null, 0, null);
    }

    /** The call needs fal and no fal key is configured. */
    public static JobException noKey(String message) {
        return new JobException(Kind.NO_KEY, message, null, null, 0, null);
    }

    /** The ledger or the local disk failed. */
    public static JobException localIo(String message, Throwable cause) {
        return new JobException(Kind.LOCAL_IO, message, null, null, 0, cause);
    }

    /** Names the job this failure is about, so every job-related error carries its {@code job_id}; returns this. */
    public JobException forJob(String id) {
        if (jobId == null) {
            jobId = id;
        }
        return this;
    }

    /** States whether calling again (later) can help, where the kind alone does not tell; returns this. */
    public JobException retryable(boolean value) {
        retryable = value;
        return this;
    }

    /** The job this is about, or null. */
    public String jobId() {
        return jobId;
    }

    /**
     * Whether the same call may succeed later: fal unreachable, rate-limited or failing on its side (429, 5xx) yes;
     * refused input, unknown ids, auth and local disk problems no.
     */
    public boolean retryable() {
        if (retryable != null) {
            return retryable;
        }
        return switch (kind) {
            case UNREACHABLE -> true;
            case FAL_ERROR -> httpStatus == 0 || httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
            case NOT_FOUND, INVALID_INPUT, LOCAL_IO, NO_KEY -> false;
            case LIMIT_EXCEEDED -> true; // once running jobs finish or the day turns
        };
    }

    public Kind kind() {
        return kind;
    }

    /** JSON-Pointer-like path of the offending input ("" = whole request), or null. */
    public String path() {
        return path;
    }

    /** What would have been accepted, or null. */
    public String allowed() {
        return allowed;
    }

    /** Each refused part of the input, when the refusal came as a list; else empty (see {@link #path()}). */
    public List<Violation> problems() {
        return problems;
    }

    /** fal's HTTP status for FAL_ERROR, else 0. */
    public int httpStatus() {
        return httpStatus;
    }
}
