package dev.klingmcp.mock.storage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A storage request that cannot be honoured, with the HTTP status to answer and a message that says what was wrong and
 * what is allowed. The routes answer fal's REST error shapes: {@code {"detail": "…"}}, or for a malformed request body
 * FastAPI's 422 {@code {"detail": [{"loc": […], "msg": …, "type": …}]}}.
 */
public final class StorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient List<Object> loc;
    private final String type;

    public StorageException(int status, String detail) {
        this(status, detail, null, null);
    }

    private StorageException(int status, String detail, List<Object> loc, String type) {
        super(detail, null, false, false); // an expected client error: no stack trace to fill or log
        this.status = status;
        this.loc = loc;
        this.type = type;
    }

    /** A 422 about one field, e.g. {@code invalid(List.of("body", "content_type"), "Field required", "missing")}. */
    static StorageException invalid(List<Object> loc, String msg, String type) {
        return new StorageException(422, msg, List.copyOf(loc), type);
    }

    public int status() {
        return status;
    }

    /** The JSON body to answer. */
    public Map<String, Object> toFalJson() {
        if (loc == null) {
            return Map.of("detail", getMessage());
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("loc", loc);
        entry.put("msg", getMessage());
        entry.put("type", type);
        return Map.of("detail", List.of(entry));
    }

    static StorageException notFound(String what) {
        return new StorageException(404, what);
    }

    static StorageException badRequest(String detail) {
        return new StorageException(400, detail);
    }

    static StorageException tooLarge(long limit) {
        return new StorageException(413, "File is larger than this mock accepts: the limit is " + limit + " bytes");
    }
}
