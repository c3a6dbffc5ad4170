package dev.klingmcp.mock.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body and headers of {@code POST /storage/upload/initiate[-multipart]}, checked field by field so that a bad
 * request gets a 422 naming the field, what was wrong and what is allowed.
 *
 * @param contentType  {@code type/subtype}
 * @param fileName     last path segment of what the client sent, or a generated name
 * @param expiresAfter from {@code X-Fal-Object-Lifecycle.expiration_duration_seconds}, or null
 */
record InitiateRequest(String contentType, String fileName, Duration expiresAfter) {

    static final Set<String> STORAGE_TYPES = Set.of("fal-cdn-v3", "fal-cdn", "gcs");
    private static final Pattern MIME = Pattern.compile("[\\w.+-]+/[\\w.+-]+(\\s*;.*)?");
    private static final int MAX_NAME = 255;
    private static final ObjectMapper JSON = new ObjectMapper();

    static InitiateRequest parse(byte[] body, String storageType, String lifecycleHeader) {
        checkStorageType(storageType);
        JsonNode json = readObject(body);
        JsonNode contentType = json.get("content_type");
        List<Object> typeLoc = List.of("body", "content_type");
        if (contentType != null && !contentType.isNull() && !contentType.isTextual()) {
            throw StorageException.invalid(typeLoc, "Input should be a valid string", "string_type");
        }
        JsonNode name = json.get("file_name");
        if (name != null && !name.isNull() && !name.isTextual()) {
            throw StorageException.invalid(
                    List.of("body", "file_name"), "Input should be a valid string", "string_type");
        }
        return new InitiateRequest(
                contentType(contentType == null ? null : contentType.textValue(), typeLoc),
                fileName(name == null ? null : name.textValue(), List.of("body", "file_name")),
                lifecycle(lifecycleHeader));
    }

    /** The token flow's {@code POST {base_url}/files/upload} carries the same facts in headers. */
    static InitiateRequest fromHeaders(String contentType, String fileNameHeader, String lifecycleHeader) {
        return new InitiateRequest(
                contentType(contentType, List.of("header", "Content-Type")),
                fileName(fileNameHeader, List.of("header", "X-Fal-File-Name")),
                lifecycle(lifecycleHeader));
    }

    static void checkStorageType(String storageType) {
        if (storageType != null && !STORAGE_TYPES.contains(storageType)) {
            throw StorageException.invalid(
                    List.of("query", "storage_type"),
                    "Input should be one of: fal-cdn-v3, fal-cdn, gcs (was '" + storageType + "')",
                    "enum");
        }
    }

    private static String contentType(String value, List<Object> loc) {
        if (value == null) {
            throw StorageException.invalid(loc, "Field required: the MIME type of the file, e.g. image/png", "missing");
        }
        if (!MIME.matcher(value).matches()) {
            throw StorageException.invalid(
                    loc, "Input should be a MIME type like image/png (was '" + value + "')", "value_error");
        }
        return value;
    }

    private static JsonNode readObject(byte[] body) {
        JsonNode json;
        try {
            json = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw StorageException.invalid(
                    List.of("body"),
                    "JSON decode error: the body must be a JSON object with" + " content_type and file_name",
                    "json_invalid");
        }
        if (json == null || !json.isObject()) {
            throw StorageException.invalid(
                    List.of("body"),
                    "Input should be a JSON object with content_type and file_name",
                    "model_attributes_type");
        }
        return json;
    }

    private static String fileName(String text, List<Object> loc) {
        if (text == null) {
            return System.currentTimeMillis() + ".bin"; // what @fal-ai/client itself does for a nameless blob
        }
        String lastSegment = text.substring(Math.max(text.lastIndexOf('/'), text.lastIndexOf('\\')) + 1)
                .strip();
        if (lastSegment.isEmpty() || lastSegment.equals(".") || lastSegment.equals("..")) {
            throw StorageException.invalid(
                    loc, "file_name must name a file, e.g. photo.png (was '" + text + "')", "value_error");
        }
        if (lastSegment.length() > MAX_NAME) {
            throw StorageException.invalid(
                    loc, "String should have at most " + MAX_NAME + " characters", "string_too_long");
        }
        return lastSegment;
    }

    private static Duration lifecycle(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        List<Object> loc = List.of("header", "X-Fal-Object-Lifecycle");
        JsonNode json;
        try {
            json = JSON.readTree(header);
        } catch (IOException e) {
            throw StorageException.invalid(
                    loc, "must be JSON like {\"expiration_duration_seconds\": 3600}", "json_invalid");
        }
        JsonNode seconds = json == null ? null : json.get("expiration_duration_seconds");
        if (seconds == null || seconds.isNull()) {
            return null;
        }
        if (!seconds.canConvertToLong() || !seconds.isIntegralNumber() || seconds.asLong() < 1) {
            throw StorageException.invalid(
                    loc, "expiration_duration_seconds must be a positive integer (was " + seconds + ")", "value_error");
        }
        return Duration.ofSeconds(seconds.asLong());
    }
}
