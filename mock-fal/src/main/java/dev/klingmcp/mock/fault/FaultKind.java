package dev.klingmcp.mock.fault;

/** What a faulty route does instead of (or before) answering normally. */
public enum FaultKind {
    /** Answer normally. */
    NONE("pass"),
    /** 429 with {@code Retry-After}, as fal's rate limiter does. */
    RATE_LIMITED("429"),
    /** 500 JSON {@code internal_error} from fal itself (carries {@code x-fal-request-id}). */
    SERVER_ERROR("500"),
    /** 502 from the ingress: nginx HTML, no {@code x-fal-request-id} (clients treat these as retryable). */
    BAD_GATEWAY("502"),
    /** 503 from the ingress, same shape as 502. */
    SERVICE_UNAVAILABLE("503"),
    /** 504 from the ingress, same shape as 502. */
    GATEWAY_TIMEOUT("504"),
    /** 403 as a media CDN answers for a signed URL whose time is up (typically on the {@code storage} route). */
    FORBIDDEN("403"),
    /** 404: the object is gone, as a CDN answers once a media file was deleted. */
    NOT_FOUND("404"),
    /** 410 Gone: the URL has expired for good. */
    GONE("410"),
    /** The connection is closed without any response. */
    CONNECTION_RESET("reset"),
    /** The normal answer, after a delay ({@code slow:<millis>}). */
    SLOW("slow"),
    /** A 200 whose Content-Length promises more than is sent before the connection closes. */
    TRUNCATED_BODY("truncate"),
    /** A 200 labelled {@code application/json} whose body is not JSON. */
    NON_JSON_BODY("nonjson"),
    /**
     * The call is processed (a submit is queued, so fal would bill it), then the connection is closed before the
     * answer: the client cannot know its request was accepted.
     */
    LOST("lost"),
    /**
     * The call is processed at once and its answer held back ({@code hold:<millis>}; only a submit's answer is held,
     * other routes answer normally): a window in which the job exists at fal but its client has no request id yet,
     * e.g. to kill the client there.
     */
    HOLD("hold");

    private final String token;

    FaultKind(String token) {
        this.token = token;
    }

    /** The spelling in fault specs, e.g. {@code 503} or {@code reset}. */
    public String token() {
        return token;
    }

    /** The HTTP status of an error fault, or 0 for faults that do not pick one. */
    public int httpStatus() {
        return switch (this) {
            case RATE_LIMITED -> 429;
            case SERVER_ERROR -> 500;
            case BAD_GATEWAY -> 502;
            case SERVICE_UNAVAILABLE -> 503;
            case GATEWAY_TIMEOUT -> 504;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case GONE -> 410;
            default -> 0;
        };
    }
}
