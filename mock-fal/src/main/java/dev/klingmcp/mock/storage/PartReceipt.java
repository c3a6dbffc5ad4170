package dev.klingmcp.mock.storage;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One stored multipart part. {@code etag} is the MD5 hex of the part's bytes (S3's convention), so a client that sends
 * back a wrong etag at completion is caught, as a real object store would.
 *
 * @param partNumber 1-based position
 * @param etag       MD5 hex of the bytes
 * @param size       bytes in the part
 */
public record PartReceipt(int partNumber, String etag, long size) {

    /** The part-PUT answer @fal-ai/client requires: {@code {"partNumber": n, "etag": "…"}}. */
    public Map<String, Object> toFalJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("partNumber", partNumber);
        json.put("etag", etag);
        return json;
    }
}
