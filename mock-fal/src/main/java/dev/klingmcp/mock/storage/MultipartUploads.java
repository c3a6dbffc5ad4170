package dev.klingmcp.mock.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The multipart half of storage, for uploads whose URL and signature {@link StorageService} already checked: parts
 * stored as they arrive (a retried part replaces the earlier copy) and joined in number order on a worker thread, then
 * the listed parts checked and published on completion.
 */
final class MultipartUploads {

    private final Vertx vertx;
    private final StorageOptions options;
    private final UploadSpace space;

    MultipartUploads(Vertx vertx, StorageOptions options, UploadSpace space) {
        this.vertx = vertx;
        this.options = options;
        this.space = space;
    }

    /** {@link StorageService#receivePart}, once the upload's URL checked out. */
    Future<PartReceipt> receive(Upload upload, int partNumber, BodyWriter writer) {
        Path partial;
        try {
            if (partNumber < 1 || partNumber > options.maxParts()) {
                throw StorageException.badRequest(
                        "partNumber " + partNumber + " is out of range; allowed: 1.." + options.maxParts());
            }
            if (upload.completed() != null) {
                throw new StorageException(409, "Upload " + upload.id() + " is already complete; start a new upload");
            }
            partial = space.scratchFile(upload, "part-" + partNumber);
        } catch (StorageException e) {
            return Future.failedFuture(e);
        }
        return writer.writeTo(partial).compose(written -> vertx.executeBlocking(
                        () -> {
                            Path part = space.partFile(upload, partNumber);
                            Files.move(
                                    partial, part, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                            PartReceipt receipt = new PartReceipt(partNumber, written.md5(), written.size());
                            upload.parts().put(partNumber, receipt);
                            return receipt;
                        },
                        false)
                .onSuccess(receipt -> vertx.executeBlocking(
                        () -> {
                            assembleArrived(upload);
                            return null;
                        },
                        false)));
    }

    /** {@link StorageService#complete}, once the upload's URL checked out. */
    Future<StoredFile> complete(Upload upload, List<PartReceipt> parts) {
        if (upload.completed() != null) {
            return Future.succeededFuture(upload.completed());
        }
        try {
            checkParts(upload, parts);
        } catch (StorageException e) {
            return Future.failedFuture(e);
        }
        return vertx.executeBlocking(() -> join(upload, parts), false);
    }

    private void checkParts(Upload upload, List<PartReceipt> parts) {
        if (parts == null || parts.isEmpty()) {
            throw StorageException.badRequest("parts must list at least one {partNumber, etag}");
        }
        long total = 0;
        int previous = 0;
        for (PartReceipt listed : parts) {
            if (listed.partNumber() <= previous) {
                throw StorageException.badRequest("parts must be in strictly ascending partNumber order; "
                        + listed.partNumber() + " follows " + previous);
            }
            previous = listed.partNumber();
            PartReceipt stored = upload.parts().get(listed.partNumber());
            if (stored == null) {
                throw StorageException.badRequest(
                        "part " + listed.partNumber() + " was never uploaded; uploaded parts: "
                                + upload.parts().keySet().stream().sorted().toList());
            }
            if (!stored.etag().equals(listed.etag())) {
                throw StorageException.badRequest("etag for part " + listed.partNumber() + " does not match: got '"
                        + listed.etag() + "', the part's etag is '" + stored.etag() + "'");
            }
            total += stored.size();
        }
        if (total > options.maxFileBytes()) {
            throw StorageException.tooLarge(options.maxFileBytes());
        }
    }

    /**
     * Runs on a worker: kernel-side copies, no user-space buffers. Most parts are usually joined already
     * ({@link #assembleArrived}), so this appends the rest and publishes.
     */
    private StoredFile join(Upload upload, List<PartReceipt> listed) throws IOException {
        synchronized (upload) { // two concurrent completes must not interleave their writes
            if (upload.completed() != null) {
                return upload.completed();
            }
            Path joined = assembly(upload).join(listed, upload.parts(), n -> space.partFile(upload, n));
            Path target = space.publish(upload, joined);
            space.deleteScratch(upload);
            return upload.complete(space.describe(upload, target, Files.size(target)));
        }
    }

    /** Runs on a worker after a part arrived: joins it, and any parts after it that wait, if it is next in line. */
    private void assembleArrived(Upload upload) {
        synchronized (upload) {
            if (upload.completed() != null) {
                return;
            }
            PartAssembly assembly = assembly(upload);
            try {
                assembly.advance(upload.parts(), n -> space.partFile(upload, n));
            } catch (IOException | UncheckedIOException e) {
                try {
                    assembly.reset(); // complete copies every part then
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
            }
        }
    }

    private PartAssembly assembly(Upload upload) {
        return upload.assembly(() -> space.scratchFile(upload, "joined"));
    }
}
