package dev.klingmcp.mock.storage;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A pending or finished upload. Parts arrive concurrently from several connections, hence the concurrent map. */
final class Upload {

    private final String id;
    private final String contentType;
    private final String fileName;
    private final boolean multipart;
    private final String signature;
    private final Instant expiresAt;
    private final Map<Integer, PartReceipt> parts = new ConcurrentHashMap<>();
    private volatile StoredFile completed;
    /** Parts joined so far; guarded by this upload's lock. */
    private PartAssembly assembly;

    Upload(String id, String contentType, String fileName, boolean multipart, String signature, Instant expiresAt) {
        this.id = id;
        this.contentType = contentType;
        this.fileName = fileName;
        this.multipart = multipart;
        this.signature = signature;
        this.expiresAt = expiresAt;
    }

    String id() {
        return id;
    }

    String contentType() {
        return contentType;
    }

    String fileName() {
        return fileName;
    }

    boolean multipart() {
        return multipart;
    }

    String signature() {
        return signature;
    }

    Instant expiresAt() {
        return expiresAt;
    }

    Map<Integer, PartReceipt> parts() {
        return parts;
    }

    /** Guarded by this upload's lock. */
    PartAssembly assembly(java.util.function.Supplier<java.nio.file.Path> file) {
        if (assembly == null) {
            assembly = new PartAssembly(file.get());
        }
        return assembly;
    }

    StoredFile completed() {
        return completed;
    }

    StoredFile complete(StoredFile file) {
        completed = file;
        return file;
    }
}
