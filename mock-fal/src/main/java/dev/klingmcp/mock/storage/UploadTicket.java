package dev.klingmcp.mock.storage;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to an upload initiation: where to PUT the bytes (a presigned URL, no auth needed) and where the file will
 * be readable afterwards.
 *
 * @param uploadId  the mock's id for the pending upload
 * @param uploadUrl absolute presigned URL; for multipart uploads clients append {@code /{partNumber}} and
 *                  {@code /complete} to its path and keep its query string
 * @param fileUrl   absolute public URL of the finished file
 */
public record UploadTicket(String uploadId, String uploadUrl, String fileUrl) {

    /** fal's wire form: {@code {"upload_url": …, "file_url": …}}. */
    public Map<String, Object> toFalJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("upload_url", uploadUrl);
        json.put("file_url", fileUrl);
        return json;
    }
}
