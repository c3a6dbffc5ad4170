package dev.klingmcp.mock.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Where an upload's bytes live on disk: scratch files and parts under {@code uploads/<id>/} while it is going, the
 * public file at {@code files/<id>} once it is finished. Moves within the root are atomic, so a reader never sees half a
 * published file.
 */
final class UploadSpace {

    private final Path root;
    private final Function<Upload, String> fileUrl;

    /** {@code fileUrl} names a finished upload's public URL (the base URL is only known once the server listens). */
    UploadSpace(Path root, Function<Upload, String> fileUrl) {
        this.root = root;
        this.fileUrl = fileUrl;
    }

    /** A fresh empty file in the upload's scratch folder, for a body still arriving. */
    Path scratchFile(Upload upload, String prefix) {
        try {
            Path dir = uploadDir(upload);
            Files.createDirectories(dir);
            return Files.createTempFile(dir, prefix + "-", ".partial");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create scratch space under " + root, e);
        }
    }

    Path partFile(Upload upload, int partNumber) {
        return uploadDir(upload).resolve("part-" + partNumber);
    }

    /** Moves a finished file to the upload's public place, replacing what an earlier PUT left there. */
    Path publish(Upload upload, Path finished) throws IOException {
        Path target = root.resolve("files").resolve(upload.id());
        Files.createDirectories(target.getParent());
        Files.move(finished, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    StoredFile describe(Upload upload, Path target, long size) {
        return new StoredFile(
                upload.id(),
                upload.fileName(),
                upload.contentType(),
                size,
                fileUrl.apply(upload),
                target,
                upload.expiresAt());
    }

    /** Drops a finished multipart upload's parts and scratch files. */
    void deleteScratch(Upload upload) {
        deleteTree(uploadDir(upload));
    }

    /** Deletes every byte under the root. */
    void clear() {
        deleteTree(root.resolve("uploads"));
        deleteTree(root.resolve("files"));
    }

    private Path uploadDir(Upload upload) {
        return root.resolve("uploads").resolve(upload.id());
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + root, e);
        }
    }
}
