package dev.klingmcp.mock.storage;

import java.nio.file.Path;

/**
 * Where and how much the mock's storage keeps.
 *
 * @param root         directory for upload parts and finished files (created on demand; {@link StorageService#reset()}
 *                     empties it)
 * @param maxFileBytes largest file accepted, whole or assembled from parts; bigger uploads get 413 and are discarded
 * @param maxParts     highest multipart part number accepted (S3 and GCS use 10 000)
 */
public record StorageOptions(Path root, long maxFileBytes, int maxParts) {

    /** fal's own limits are enforced by its clients; the mock accepts anything a test could reasonably send. */
    public static final long DEFAULT_MAX_FILE_BYTES = 1L << 30;

    public static final int DEFAULT_MAX_PARTS = 10_000;

    public StorageOptions {
        if (root == null) {
            throw new IllegalArgumentException("root directory is required");
        }
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("maxFileBytes must be positive, was " + maxFileBytes);
        }
        if (maxParts < 1) {
            throw new IllegalArgumentException("maxParts must be positive, was " + maxParts);
        }
    }

    /** 1 GiB per file, 10 000 parts. */
    public static StorageOptions defaults(Path root) {
        return new StorageOptions(root, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_PARTS);
    }

    public StorageOptions withMaxFileBytes(long bytes) {
        return new StorageOptions(root, bytes, maxParts);
    }
}
