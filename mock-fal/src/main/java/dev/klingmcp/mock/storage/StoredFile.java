package dev.klingmcp.mock.storage;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A finished upload, readable at {@link #url()}.
 *
 * @param id          storage id (also the upload id)
 * @param fileName    name given at initiation
 * @param contentType served as {@code Content-Type}
 * @param size        bytes on disk
 * @param url         absolute public URL
 * @param path        where the bytes live
 * @param expiresAt   from {@code X-Fal-Object-Lifecycle.expiration_duration_seconds}; null = never
 */
public record StoredFile(
        String id, String fileName, String contentType, long size, String url, Path path, Instant expiresAt) {

    boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
